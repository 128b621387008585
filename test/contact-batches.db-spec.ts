import { getContact, upsertContact } from '../sdk';
import { ContactBatchesRepository } from '../src/modules/contacts/contact-batches.repository';
import { startTestApp, TestAccount, TestApp } from './harness';

type Attributes = { fieldName: string; fieldValue: string }[];

describe('contact batches (imports) against a concurrent writer', () => {
  let t: TestApp;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Batches');
  });
  afterAll(async () => t.close());

  const firstname = async (key: string) =>
    (
      (await getContact({ client: t.sdk(account), path: { contactKey: key } })).data?.[0]?.attributes as Attributes
    ).find((a) => a.fieldName === 'firstname')?.fieldValue;

  it('does not overwrite a contact changed after the batch read it, and reports it', async () => {
    await upsertContact({
      client: t.sdk(account),
      body: { contactKey: 'race@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'Before' }] },
    });
    const batches = t.app.get(ContactBatchesRepository);
    const db = t.database.dataSource;
    const [read] = await batches.findByKeys(db.manager, account.id, ['race@example.com'], ['firstname'], false);
    await upsertContact({
      client: t.sdk(account),
      body: { contactKey: 'race@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'Meanwhile' }] },
    });
    const applied = await db.transaction((em) =>
      batches.updateMany(em, account.id, 1, [
        { id: read.id, version: read.row_version, columns: { firstname: 'Stale' }, fields: {} },
      ]),
    );
    expect(applied).toBe(0);
    expect(await firstname('race@example.com')).toBe('Meanwhile');
  });

  it('does not write a new contact whose key was taken after the batch read it, and says which were written', async () => {
    await upsertContact({
      client: t.sdk(account),
      body: { contactKey: 'taken@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'Api' }] },
    });
    const batches = t.app.get(ContactBatchesRepository);
    const written = await t.database.dataSource.transaction(async (em) => {
      const [takenId, freeId] = await batches.reserveIds(em, 2);
      const rows = [
        {
          id: takenId,
          uniqueKey: 'taken@example.com',
          columns: { email: 'taken@example.com', firstname: 'File' },
          fields: {},
        },
        {
          id: freeId,
          uniqueKey: 'free@example.com',
          columns: { email: 'free@example.com', firstname: 'File' },
          fields: {},
        },
      ];
      const ids = await batches.insertMany(em, account.id, 1, rows);
      return { ids, takenId, freeId };
    });
    expect([...written.ids]).toEqual([written.freeId]);
    expect(await firstname('taken@example.com')).toBe('Api');
    expect(await firstname('free@example.com')).toBe('File');
  });
});
