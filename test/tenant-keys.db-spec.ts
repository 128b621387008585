import { createContactField, createContactFieldValue, createGroup, upsertContact } from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

/** The database itself refuses a child row pointing at another account's parent (SPEC §2). */
describe('tenant foreign keys', () => {
  let t: TestApp;
  let a: TestAccount;
  let b: TestAccount;
  const ids = { groupA: 0, contactA: 0, contactB: 0, listFieldA: 0, operationA: 0 };
  beforeAll(async () => {
    t = await startTestApp();
    a = await t.createAccount('Keys A');
    b = await t.createAccount('Keys B');
    ids.groupA = (await createGroup({ client: t.sdk(a), body: { name: 'Clients' } })).data!.id;
    const contact = (who: TestAccount, key: string) =>
      upsertContact({ client: t.sdk(who), body: { contactKey: key, attributes: [] } }).then((r) => r.data!.id);
    ids.contactA = await contact(a, 'a@example.com');
    ids.contactB = await contact(b, 'b@example.com');
    ids.listFieldA = (
      await createContactField({ client: t.sdk(a), body: { name: 'Couleur', format: 'SingleSelection' } })
    ).data!.id;
    await createContactFieldValue({ client: t.sdk(a), path: { id: ids.listFieldA }, body: { text: 'Rouge' } });
    const upload = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', a.auth)
      .field('matchings', '["email"]')
      .attach('file', Buffer.from('email\nx@example.com\n'), 'x.csv');
    ids.operationA = (upload.body as { Id: number }).Id;
    await t.finished(a, ids.operationA);
  });
  afterAll(async () => t.close());

  /** The SQLSTATE the statement failed with, or 'ok'. */
  async function outcome(sql: string, params: unknown[]): Promise<string> {
    try {
      await t.database.dataSource.query(sql, params);
      return 'ok';
    } catch (error) {
      return String((error as { code?: string }).code);
    }
  }
  const FOREIGN_KEY_VIOLATION = '23503';

  it('refuses a membership joining a group and a contact of two accounts', async () => {
    const join = 'INSERT INTO group_member (account_id, group_id, contact_id) VALUES ($1, $2, $3)';
    // B's contact in A's group, whichever account the row claims.
    expect(await outcome(join, [a.id, ids.groupA, ids.contactB])).toBe(FOREIGN_KEY_VIOLATION);
    expect(await outcome(join, [b.id, ids.groupA, ids.contactB])).toBe(FOREIGN_KEY_VIOLATION);
    expect(await outcome(join, [a.id, ids.groupA, ids.contactA])).toBe('ok');
  });

  it("refuses a list value or an import rejection filed under another account than its parent's", async () => {
    expect(
      await outcome(
        `INSERT INTO field_value (account_id, field_id, text, text_key, position) VALUES ($1, $2, 'Bleu', 'bleu', 2)`,
        [b.id, ids.listFieldA],
      ),
    ).toBe(FOREIGN_KEY_VIOLATION);
    expect(
      await outcome(
        `INSERT INTO import_rejection (account_id, operation_id, line, reasons, cells) VALUES ($1, $2, 99, 'x', '[]')`,
        [b.id, ids.operationA],
      ),
    ).toBe(FOREIGN_KEY_VIOLATION);
  });
});
