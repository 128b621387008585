import { createContactField, createGroup, getContact, updateContactField, upsertContact, upsertContacts } from '../sdk';
import { ADMIN_TOKEN, startTestApp, TestAccount, TestApp } from './harness';

/** SPEC §11: requests racing to create the same thing get one success and 409s, never a 500. */
describe('concurrent writes of the same thing', () => {
  const RACERS = 12;
  let t: TestApp;
  let account: TestAccount;
  let client: ReturnType<TestApp['sdk']>;
  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Races');
    client = t.sdk(account);
  });
  afterAll(async () => t.close());

  const statuses = (answers: { response: Response }[]) => answers.map((a) => a.response.status).sort();
  const codes = (answers: { error?: unknown }[]) =>
    [...new Set(answers.filter((a) => a.error).map((a) => (a.error as { code: string }).code))].sort();

  it('creates a field once; the other creations of its name answer 409 FieldNameTaken', async () => {
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        createContactField({ client, body: { name: i % 2 ? 'Ville' : 'ville', format: 'ShortText' } }),
      ),
    );
    expect(statuses(answers)).toEqual([201, ...Array<number>(RACERS - 1).fill(409)]);
    expect(codes(answers)).toEqual(['FieldNameTaken']);
  });

  it('renames fields to one name once; the other renames answer 409 FieldNameTaken', async () => {
    const ids = await Promise.all(
      Array.from({ length: RACERS }, async (_, i) => {
        const { data } = await createContactField({ client, body: { name: `Champ ${i}`, format: 'Number' } });
        return data!.id;
      }),
    );
    const answers = await Promise.all(ids.map((id) => updateContactField({ client, body: { id, name: 'Score' } })));
    expect(statuses(answers)).toEqual([200, ...Array<number>(RACERS - 1).fill(409)]);
    expect(codes(answers)).toEqual(['FieldNameTaken']);
  });

  it('creates a group once; the other creations of its name answer 409 GroupNameTaken', async () => {
    const answers = await Promise.all(
      Array.from({ length: RACERS }, () => createGroup({ client, body: { name: 'VIP' } })),
    );
    expect(statuses(answers)).toEqual([201, ...Array<number>(RACERS - 1).fill(409)]);
    expect(codes(answers)).toEqual(['GroupNameTaken']);
  });

  it('creates an account login once; the other creations answer 409 LoginTaken', async () => {
    const login = `meme-boutique-${process.hrtime.bigint()}`;
    const answers = await Promise.all(
      Array.from({ length: RACERS }, () =>
        t.http
          .post('/api/rest/v4/admin/accounts')
          .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
          .send({ name: 'Même boutique', login }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array<number>(RACERS - 1).fill(409)]);
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => (a.body as { code: string }).code))).toEqual(
      new Set(['LoginTaken']),
    );
  });

  it('creates a new contact once when upserts of its key race; the others update it', async () => {
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        upsertContact({
          client,
          body: { contactKey: 'lea@example.com', attributes: [{ fieldName: 'firstname', fieldValue: `Léa ${i}` }] },
        }),
      ),
    );
    expect(answers.map((a) => [a.response.status, a.error])).toEqual(Array(RACERS).fill([201, undefined]));
    const results = answers.map((a) => a.data!);
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const stored = await getContact({ client, path: { contactKey: 'lea@example.com' } });
    expect(stored.data?.[0]?.id).toBe(results[0].id);
  });

  it('reports in a bulk write the item that lost a race, and writes the others', async () => {
    // Each bulk write creates its own contact and moves it to the one shared address: only one move can win.
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        upsertContacts({
          client,
          body: [
            { contactKey: `own-${i}@example.com`, attributes: [{ fieldName: 'firstname', fieldValue: 'Own' }] },
            { contactKey: 'bulk-new@example.com', attributes: [{ fieldName: 'lastname', fieldValue: `N${i}` }] },
            {
              contactKey: `own-${i}@example.com`,
              attributes: [{ fieldName: 'email', fieldValue: 'shared@example.com' }],
            },
          ],
        }),
      ),
    );
    expect(answers.map((a) => a.response.status)).toEqual(Array(RACERS).fill(201));
    const results = answers.map((a) => a.data!.results);
    // Every request wrote its own contact, and exactly one created the contact they all named.
    expect(results.map((r) => r[0].status)).toEqual(Array(RACERS).fill('created'));
    expect(results.filter((r) => r[1].status === 'created')).toHaveLength(1);
    expect(results.map((r) => r[1].status).filter((s) => s !== 'created' && s !== 'updated')).toEqual([]);
    // One move to the shared address won; the others are reported as a 409 of that item alone.
    const moves = results.map((r) => r[2]);
    expect(moves.filter((m) => m.status === 'updated')).toHaveLength(1);
    expect(moves.filter((m) => m.status === 'error').map((m) => [m.statusCode, m.code])).toEqual(
      Array(RACERS - 1).fill([409, 'ContactKeyTaken']),
    );
  });
});
