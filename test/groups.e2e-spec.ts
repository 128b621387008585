import {
  addGroupContacts,
  createGroup,
  deleteGroup,
  getContactHistory,
  getGroup,
  listContacts,
  listGroups,
  removeGroupContacts,
  renameGroup,
  upsertContact,
} from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

describe('groups', () => {
  let t: TestApp;
  let account: TestAccount;
  let client: ReturnType<TestApp['sdk']>;
  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Groups');
    client = t.sdk(account);
  });
  afterAll(async () => t.close());

  it('creates, renames, fills, lists and deletes a group', async () => {
    const vip = await createGroup({ client, body: { name: 'VIP' } });
    expect(vip.response.status).toBe(201);
    expect(vip.data).toEqual({
      id: expect.any(Number),
      name: 'VIP',
      creationDate: expect.any(String),
      contactCount: 0,
    });
    const id = vip.data!.id;
    expect((await createGroup({ client, body: { name: 'vip' } })).response.status).toBe(409);

    const a = await upsertContact({ client, body: { contactKey: 'a@example.com', attributes: [] } });
    const b = await upsertContact({ client, body: { contactKey: 'b@example.com', attributes: [] } });
    const added = await addGroupContacts({ client, path: { id }, body: { contactIds: [a.data!.id, b.data!.id] } });
    expect(added.data).toEqual({ groupId: id, changed: 2 });
    const again = await addGroupContacts({ client, path: { id }, body: { contactIds: [a.data!.id] } });
    expect(again.data?.changed).toBe(0);

    const members = await listContacts({ client, query: { groupId: id } });
    expect(members.data?.contacts.map((c) => c.contactKey)).toEqual(['a@example.com', 'b@example.com']);

    const renamed = await renameGroup({ client, path: { id }, body: { name: 'Clients VIP' } });
    expect(renamed.data).toMatchObject({ name: 'Clients VIP', contactCount: 2 });

    const removed = await removeGroupContacts({ client, path: { id }, body: { contactIds: [b.data!.id] } });
    expect(removed.data).toEqual({ groupId: id, changed: 1 });
    expect((await getGroup({ client, path: { id } })).data?.contactCount).toBe(1);

    // Joining and leaving are changes of the contact, in its history; adding a member twice records nothing.
    const history = await getContactHistory({ client, path: { contactKey: 'b@example.com', size: 10 } });
    expect(history.data?.logs.map((log) => [log.Type, log.Object, log.Title, log.Group])).toEqual([
      ['group', 'Clients VIP', 'Removed from group "Clients VIP"', 'api'],
      ['group', 'VIP', 'Added to group "VIP"', 'api'],
      ['creation', 'email, emailoptin, mobileoptin', 'Created by API', 'api'],
    ]);
    const historyOfA = await getContactHistory({ client, path: { contactKey: 'a@example.com', size: 10 } });
    expect(historyOfA.data?.logs.filter((log) => log.Type === 'group')).toHaveLength(1);
    expect((await listGroups({ client })).data?.map((g) => g.name)).toEqual(['Clients VIP']);

    expect((await deleteGroup({ client, path: { id } })).response.status).toBe(204);
    expect((await getGroup({ client, path: { id } })).response.status).toBe(404);
    const contactsStay = await listContacts({ client });
    expect(contactsStay.data?.contacts).toHaveLength(2);
  });

  it('isolates groups and members between accounts', async () => {
    const mine = await createGroup({ client, body: { name: 'Mine' } });
    const id = mine.data!.id;
    const other = await t.createAccount('Other');
    const intruder = t.sdk(other);
    const theirs = await upsertContact({ client: intruder, body: { contactKey: 'x@example.com', attributes: [] } });
    const responses = await Promise.all([
      getGroup({ client: intruder, path: { id } }),
      renameGroup({ client: intruder, path: { id }, body: { name: 'Taken' } }),
      deleteGroup({ client: intruder, path: { id } }),
      addGroupContacts({ client: intruder, path: { id }, body: { contactIds: [theirs.data!.id] } }),
      removeGroupContacts({ client: intruder, path: { id }, body: { contactIds: [theirs.data!.id] } }),
    ]);
    expect(responses.map((r) => r.response.status)).toEqual([404, 404, 404, 404, 404]);
    const foreign = await addGroupContacts({ client, path: { id }, body: { contactIds: [theirs.data!.id] } });
    expect(foreign.data?.changed).toBe(0);
  });
});
