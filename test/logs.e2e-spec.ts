import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { startTestApp, TestAccount, TestApp } from './harness';

/** A pino destination keeping every line written. */
class LogLines extends Writable {
  readonly lines: string[] = [];
  _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

describe('logs carry no personal data', () => {
  let t: TestApp;
  let account: TestAccount;
  const logs = new LogLines();

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: logs });
    account = await t.createAccount('Logs');
  });
  afterAll(async () => t.close());

  it('redacts emails and phone numbers in request lines, their params and query, and in messages', async () => {
    await t.http
      .post('/api/rest/v4/contact/attribute')
      .set('Authorization', account.auth)
      .send({ contactKey: 'lea.martin@example.com', attributes: [{ fieldName: 'mobile', fieldValue: '0612345678' }] })
      .expect(201);
    const paths = [
      '/api/rest/v4/contact/attribute/lea.martin@example.com',
      '/api/rest/v4/contact/attribute/lea.martin%40example.com/history',
      '/api/rest/v4/contact/attribute/+33612345678',
      '/api/rest/v4/contact/attribute/%2B33698765432',
      '/api/rest/v4/contacts?email=lea.martin@example.com&mobile=06%2012%2034%2056%2078',
    ];
    for (const path of paths) await t.http.get(path).set('Authorization', account.auth);
    new Logger('Test').warn('Bounce from lea.martin@example.com, sms to +33 6 12 34 56 78');
    new Logger('Test').error(
      {
        err: Object.assign(new Error('no lea.martin@example.com'), { detail: 'Key (email)=(lea.martin@example.com)' }),
      },
      'Unhandled error',
    );
    await new Promise((resolve) => setImmediate(resolve));

    const requestLines = logs.lines.filter((line) => line.includes('/contact'));
    expect(requestLines.length).toBeGreaterThanOrEqual(paths.length);
    expect(logs.text).toContain('/api/rest/v4/contact/attribute/[email]');
    expect(logs.text).toContain('/api/rest/v4/contact/attribute/[phone]');
    expect(logs.text).toContain('Bounce from [email], sms to [phone]');
    for (const secret of ['lea.martin', 'example.com', '612345678', '6 12 34', '698765432', '%2012%20']) {
      expect(logs.lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
