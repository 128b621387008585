import { createHash } from 'node:crypto';
import { deleteContact, getContact, upsertContact } from '../sdk';
import { SuppressionRekeying } from '../src/modules/contacts/suppression-rekeying';
import { startTestApp, TestAccount, TestApp } from './harness';

type Attributes = { fieldName: string; fieldValue: string }[];
const unkeyed = (accountId: string, channel: string, address: string) =>
  createHash('sha256').update(`${accountId}:${channel}:${address}`).digest('hex');

describe('suppression records keyed with SECRET_KEY', () => {
  let t: TestApp;
  let account: TestAccount;

  // Its own embedded database: another app starting on a shared one would re-key this file's old rows first.
  beforeAll(async () => {
    t = await startTestApp({ DATABASE_URL: '' });
    account = await t.createAccount('Suppression keys');
  });
  afterAll(async () => t.close());

  const query = <T>(sql: string, params: unknown[] = []) => t.database.dataSource.query<T>(sql, params);

  async function optIns(contactKey: string): Promise<Record<string, string>> {
    const res = await getContact({ client: t.sdk(account), path: { contactKey } });
    const values = Object.fromEntries((res.data![0].attributes as Attributes).map((a) => [a.fieldName, a.fieldValue]));
    return { email: values.emailoptin, sms: values.mobileoptin };
  }

  async function optOutAndDelete(contactKey: string, mobile: string) {
    await upsertContact({
      client: t.sdk(account),
      body: {
        contactKey,
        attributes: [
          { fieldName: 'emailoptin', fieldValue: 'no' },
          { fieldName: 'mobile', fieldValue: mobile },
          { fieldName: 'mobileoptin', fieldValue: 'no' },
        ],
      },
    });
    expect((await deleteContact({ client: t.sdk(account), path: { contactKey } })).response.status).toBe(204);
  }

  it('stores no hash anyone can recompute from a guessed address', async () => {
    await optOutAndDelete('guess@example.com', '+33611111111');
    const rows = await query<{ hash: string; version: number }[]>(
      'SELECT key_hash AS hash, hash_version AS version FROM suppression WHERE account_id = $1 ORDER BY channel',
      [account.id],
    );
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.hash)).not.toContain(unkeyed(account.id, 'email', 'guess@example.com'));
    expect(rows.map((r) => r.hash)).not.toContain(unkeyed(account.id, 'sms', '+33611111111'));
    expect(rows.map((r) => r.version)).toEqual([2, 2]);
  });

  it('keeps applying a suppression written unkeyed before the migration', async () => {
    // The former code's insert, unchanged: the unkeyed digest, no version. The migration's column default labels
    // such rows version 1, as it labelled every row present when it ran.
    for (const [channel, address] of [
      ['email', 'before@example.com'],
      ['sms', '+33622222222'],
    ]) {
      await query(
        `INSERT INTO suppression (account_id, channel, key_hash, opt_in, status, reason) VALUES ($1, $2, $3, 'no', NULL, 'STOP')`,
        [account.id, channel, unkeyed(account.id, channel, address)],
      );
    }
    expect(await t.app.get(SuppressionRekeying).rekeyLegacy()).toBe(2);
    expect(await query('SELECT 1 FROM suppression WHERE hash_version = 1')).toEqual([]);
    expect(await t.app.get(SuppressionRekeying).rekeyLegacy()).toBe(0);

    const created = await upsertContact({
      client: t.sdk(account),
      body: {
        contactKey: 'before@example.com',
        attributes: [
          { fieldName: 'emailoptin', fieldValue: 'yes' },
          { fieldName: 'mobile', fieldValue: '0622222222' },
          { fieldName: 'mobileoptin', fieldValue: 'yes' },
        ],
      },
    });
    expect(created.response.status).toBe(201);
    expect(await optIns('before@example.com')).toEqual({ email: 'no', sms: 'no' });
  });
});
