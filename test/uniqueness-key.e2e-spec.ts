import { Client } from 'pg';
import { upsertContact } from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

/** SPEC §2: changing `uniquenessKey` re-keys the contacts; it must not mix with an import using the old key. */
describe('changing the uniqueness key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const setKey = (account: TestAccount, uniquenessKey: string) =>
    t.http
      .put('/api/rest/v4/account/settingsattribute')
      .set('Authorization', account.auth)
      .send({ attributeType: { uniquenessKey } });
  const keys = async (account: TestAccount) => {
    const rows = await t.database.dataSource.query<{ unique_key: string }[]>(
      'SELECT unique_key FROM contact WHERE account_id = $1 ORDER BY id',
      [account.id],
    );
    return rows.map((r) => r.unique_key);
  };
  const storedKey = async (account: TestAccount) => {
    const rows = await t.database.dataSource.query<{ uniqueness_key: string }[]>(
      'SELECT uniqueness_key FROM account WHERE id = $1',
      [account.id],
    );
    return rows[0].uniqueness_key;
  };
  async function accountWithContacts(): Promise<TestAccount> {
    const account = await t.createAccount('Clé');
    const client = t.sdk(account);
    for (const [email, mobile] of [
      ['anne@example.com', '+33612345678'],
      ['bruno@example.com', '+33698765432'],
    ]) {
      const res = await upsertContact({
        client,
        body: { contactKey: email, attributes: [{ fieldName: 'mobile', fieldValue: mobile }] },
      });
      expect(res.response.status).toBe(201);
    }
    return account;
  }
  async function addOperation(account: TestAccount, kind: string, status: string): Promise<number> {
    const rows: { id: number }[] = await t.database.dataSource.query(
      `INSERT INTO import_operation (account_id, kind, name, status, settings, file_id, file_name, file_hash)
       VALUES ($1, $2, 'contacts.csv', $3, '{}', gen_random_uuid(), 'contacts.csv', 'x') RETURNING id::int AS id`,
      [account.id, kind, status],
    );
    return rows[0].id;
  }

  it('refuses with 409 while an import or purge of the account is pending or running, and changes nothing', async () => {
    const account = await accountWithContacts();
    const other = await accountWithContacts();
    for (const [kind, status] of [
      ['import', 'running'],
      ['purge', 'pending'],
    ]) {
      const id = await addOperation(account, kind, status);
      const refused = await setKey(account, 'mobile');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'ImportRunning', message: expect.stringContaining(String(id)) });
      expect(await storedKey(account)).toBe('email');
      expect(await keys(account)).toEqual(['anne@example.com', 'bruno@example.com']);
      await t.database.dataSource.query(`UPDATE import_operation SET status = 'done' WHERE id = $1`, [id]);
    }
    // Another account's import does not stand in the way.
    await addOperation(other, 'import', 'running');
    const changed = await setKey(account, 'mobile');
    expect(changed.status).toBe(200);
    expect(changed.body.attributeType).toMatchObject({ uniquenessKey: 'mobile' });
    expect(await storedKey(account)).toBe('mobile');
    expect(await keys(account)).toEqual(['+33612345678', '+33698765432']);
  });

  // The embedded server serves one connection at a time: a second client holding a lock would block the app.
  const withRealPostgres = process.env.DATABASE_URL ? it : it.skip;
  withRealPostgres(
    'takes the account lock before re-keying, and re-keys and saves the key in one transaction',
    async () => {
      const account = await accountWithContacts();
      const holder = new Client({ connectionString: process.env.DATABASE_URL });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        // The lock a concurrent write of the account's row holds (a foreign key check's share lock does not wait for it).
        await holder.query('SELECT 1 FROM account WHERE id = $1 FOR NO KEY UPDATE', [account.id]);
        const holderPid = ((await holder.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number }).pid;
        const change = setKey(account, 'mobile').then((res) => res);
        // Wait until the settings change is blocked by the lock held here, then look at the contacts.
        for (let blocked = 0; blocked === 0;) {
          const rows: { count: number }[] = await t.database.dataSource.query(
            'SELECT count(*)::int AS count FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
            [holderPid],
          );
          blocked = rows[0].count;
        }
        expect(await keys(account)).toEqual(['anne@example.com', 'bruno@example.com']);
        await holder.query('ROLLBACK');
        expect((await change).status).toBe(200);
        expect(await storedKey(account)).toBe('mobile');
        expect(await keys(account)).toEqual(['+33612345678', '+33698765432']);
      } finally {
        await holder.end();
      }
    },
  );

  it('makes an import created while the key changes wait for the change, then use the new key', async () => {
    const account = await accountWithContacts();
    const [change, created] = await Promise.all([
      setKey(account, 'mobile'),
      t.http
        .post('/api/rest/v4/contacts/import/add')
        .set('Authorization', account.auth)
        .field('matchings', JSON.stringify(['email', 'mobile', 'firstname']))
        .attach('file', Buffer.from('email;mobile;firstname\ncarla@example.com;+33611223344;Carla\n'), 'c.csv'),
    ]);
    expect(created.status).toBe(201);
    const done = await t.finished(account, (created.body as { Id: number }).Id);
    expect(done.Status).toBe('done');
    // Whichever came first, the key change either was refused or happened before the import ran.
    if (change.status === 200) {
      expect(await keys(account)).toEqual(['+33612345678', '+33698765432', '+33611223344']);
    } else {
      expect(change.body).toMatchObject({ code: 'ImportRunning' });
      expect(await keys(account)).toEqual(['anne@example.com', 'bruno@example.com', 'carla@example.com']);
    }
  });
});
