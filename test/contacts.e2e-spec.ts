import {
  anonymiseContact,
  createContactField,
  createContactFieldValue,
  deleteContact,
  deleteContactById,
  getContact,
  getContactById,
  getContactHistory,
  listContacts,
  searchContactHistory,
  updateContact,
  upsertContact,
  upsertContacts,
  updateContacts,
} from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

type Attributes = { id: string; fieldName: string; fieldValue: string }[];
const valueOf = (attributes: Attributes | undefined, name: string) =>
  attributes?.find((a) => a.fieldName === name)?.fieldValue;

describe('contacts', () => {
  let t: TestApp;
  let account: TestAccount;
  let client: ReturnType<TestApp['sdk']>;
  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Contacts');
    client = t.sdk(account);
  });
  afterAll(async () => t.close());

  it('creates then updates a contact matched by trimmed, case-insensitive email', async () => {
    const created = await upsertContact({
      client,
      body: {
        contactKey: ' Jean.Dupond@Example.FR ',
        attributes: [
          { fieldName: 'firstname', fieldValue: 'Jean' },
          { fieldName: 'lastname', fieldValue: 'Dupond' },
          { fieldName: 'birthdate', fieldValue: '28/02/1980' },
          { fieldName: 'mobile', fieldValue: '06 12 34 56 78' },
        ],
      },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({
      id: expect.any(Number),
      contactKey: 'jean.dupond@example.fr',
      status: 'created',
      warnings: [],
    });

    const updated = await upsertContact({
      client,
      body: { contactKey: 'JEAN.DUPOND@example.fr', attributes: [{ fieldName: 'city', fieldValue: 'Lyon' }] },
    });
    expect(updated.data).toMatchObject({ id: created.data!.id, status: 'updated' });

    const same = await upsertContact({
      client,
      body: { contactKey: 'jean.dupond@example.fr', attributes: [{ fieldName: 'city', fieldValue: 'Lyon' }] },
    });
    expect(same.data?.status).toBe('unchanged');

    const read = await getContact({ client, path: { contactKey: 'Jean.Dupond@example.fr' } });
    expect(read.data).toMatchObject([{ id: created.data!.id, contactKey: 'jean.dupond@example.fr' }]);
    const attributes = read.data![0].attributes;
    expect(attributes).toContainEqual({ id: 'email', fieldName: 'email', fieldValue: 'jean.dupond@example.fr' });
    expect(attributes).toContainEqual({ id: 'mobile', fieldName: 'mobile', fieldValue: '+33612345678' });
    expect(attributes).toContainEqual({ id: 'birthdate', fieldName: 'birthdate', fieldValue: '1980-02-28' });
    expect(attributes).toContainEqual({ id: 'city', fieldName: 'city', fieldValue: 'Lyon' });
    expect(attributes).toContainEqual({ id: 'emailoptin', fieldName: 'emailoptin', fieldValue: 'yes' });
    expect(attributes).toContainEqual({ id: 'emailstatus', fieldName: 'emailstatus', fieldValue: 'unknown' });
    expect(valueOf(attributes, 'creationdate')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const byId = await getContactById({ client, path: { id: created.data!.id } });
    expect(byId.data).toEqual(read.data);
  });

  it('stores custom values by format and reads them back as text', async () => {
    const number = await createContactField({ client, body: { name: 'Points', format: 'Number' } });
    const date = await createContactField({
      client,
      body: { name: 'Adhésion', format: 'DateTime', options: 'dd.mm.yyyy' },
    });
    const single = await createContactField({ client, body: { name: 'Niveau', format: 'SingleSelection' } });
    const gold = await createContactFieldValue({ client, path: { id: single.data!.id }, body: { text: 'Or' } });
    const res = await upsertContact({
      client,
      body: {
        contactKey: 'custom@example.com',
        attributes: [
          { fieldName: String(number.data!.id), fieldValue: '1 234,5' },
          { fieldName: String(date.data!.id), fieldValue: '01/09/2024' },
          { fieldName: String(single.data!.id), fieldValue: String(gold.data!.id) },
        ],
      },
    });
    expect(res.data?.status).toBe('created');
    const read = await getContact({ client, path: { contactKey: 'custom@example.com' } });
    expect(read.data?.[0]?.attributes).toEqual(
      expect.arrayContaining([
        { id: String(number.data!.id), fieldName: String(number.data!.id), fieldValue: '1234.5' },
        { id: String(date.data!.id), fieldName: String(date.data!.id), fieldValue: '2024-09-01' },
        { id: String(single.data!.id), fieldName: String(single.data!.id), fieldValue: 'Or' },
      ]),
    );
    const rows = await t.database.dataSource.query('SELECT fields FROM contact WHERE id = $1', [res.data!.id]);
    expect(rows[0].fields).toEqual({
      [number.data!.id]: 1234.5,
      [date.data!.id]: '2024-09-01',
      [single.data!.id]: gold.data!.id,
    });

    const cleared = await upsertContact({
      client,
      body: { contactKey: 'custom@example.com', attributes: [{ fieldName: String(number.data!.id), fieldValue: '' }] },
    });
    expect(cleared.data?.status).toBe('updated');
    const after = await t.database.dataSource.query('SELECT fields FROM contact WHERE id = $1', [res.data!.id]);
    expect(Object.keys(after[0].fields)).not.toContain(String(number.data!.id));
  });

  it('explains each bad attribute', async () => {
    const number = await createContactField({ client, body: { name: 'Âge', format: 'Number' } });
    const listA = await createContactField({ client, body: { name: 'Liste A', format: 'SingleSelection' } });
    const listB = await createContactField({ client, body: { name: 'Liste B', format: 'SingleSelection' } });
    const valueOfB = await createContactFieldValue({ client, path: { id: listB.data!.id }, body: { text: 'b' } });
    const res = await upsertContact({
      client,
      body: {
        contactKey: 'bad@example.com',
        attributes: [
          { fieldName: 'couleur', fieldValue: 'bleu' },
          { fieldName: 'birthdate', fieldValue: '31/02/1990' },
          { fieldName: String(number.data!.id), fieldValue: 'douze' },
          { fieldName: String(listA.data!.id), fieldValue: String(valueOfB.data!.id) },
          { fieldName: 'creationdate', fieldValue: '2020-01-01' },
        ],
      },
    });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const details = (res.error as { details: { field: string; message: string }[] }).details;
    expect(details.map((d) => d.field)).toEqual([
      'couleur',
      'birthdate',
      String(number.data!.id),
      String(listA.data!.id),
      'creationdate',
    ]);
    expect(details[0].message).toContain('Unknown attribute "couleur"');
    expect(details[1].message).toContain('"31/02/1990" is not a valid date');
    expect(details[2].message).toContain('"douze" is not a number');
    expect(details[3].message).toContain(`value id ${valueOfB.data!.id} is not a value of field ${listA.data!.id}`);
    expect(details[4].message).toContain('creationdate is read-only');
    expect((await getContact({ client, path: { contactKey: 'bad@example.com' } })).response.status).toBe(404);

    const badKey = await upsertContact({ client, body: { contactKey: 'not-an-email', attributes: [] } });
    expect(badKey.response.status).toBe(400);
    expect(badKey.error).toMatchObject({ message: expect.stringContaining('is not a valid email address') });
  });

  it('PUT updates only existing contacts', async () => {
    const missing = await updateContact({
      client,
      body: { contactKey: 'ghost@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'Casper' }] },
    });
    expect(missing.response.status).toBe(404);
    await upsertContact({ client, body: { contactKey: 'real@example.com', attributes: [] } });
    const ok = await updateContact({
      client,
      body: { contactKey: 'real@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'Réel' }] },
    });
    expect(ok.data?.status).toBe('updated');
  });

  it('keeps an unsubscribe: a write cannot resubscribe, force can', async () => {
    await upsertContact({
      client,
      body: { contactKey: 'sticky@example.com', attributes: [{ fieldName: 'emailoptin', fieldValue: 'non' }] },
    });
    const retry = await upsertContact({
      client,
      body: { contactKey: 'sticky@example.com', attributes: [{ fieldName: 'emailoptin', fieldValue: 'yes' }] },
    });
    expect(retry.data?.status).toBe('unchanged');
    expect(retry.data?.warnings).toEqual([expect.stringContaining('emailoptin stays "no"')]);
    let read = await getContact({ client, path: { contactKey: 'sticky@example.com' } });
    expect(valueOf(read.data?.[0]?.attributes, 'emailoptin')).toBe('no');
    expect(valueOf(read.data?.[0]?.attributes, 'emailunsubscriptiondate')).toMatch(/^\d{4}-/);

    const hard = await upsertContact({
      client,
      body: { contactKey: 'sticky@example.com', attributes: [{ fieldName: 'emailstatus', fieldValue: 'badalias' }] },
    });
    expect(hard.data?.status).toBe('updated');
    const revive = await upsertContact({
      client,
      body: { contactKey: 'sticky@example.com', attributes: [{ fieldName: 'emailstatus', fieldValue: 'valid' }] },
    });
    expect(revive.data?.warnings).toEqual([expect.stringContaining('emailstatus stays "badalias"')]);

    const forced = await upsertContact({
      client,
      body: {
        contactKey: 'sticky@example.com',
        force: true,
        attributes: [
          { fieldName: 'emailoptin', fieldValue: 'yes' },
          { fieldName: 'emailstatus', fieldValue: 'valid' },
        ],
      },
    });
    expect(forced.data).toMatchObject({ status: 'updated', warnings: [] });
    read = await getContact({ client, path: { contactKey: 'sticky@example.com' } });
    expect(valueOf(read.data?.[0]?.attributes, 'emailoptin')).toBe('yes');
    expect(valueOf(read.data?.[0]?.attributes, 'emailstatus')).toBe('valid');
    expect(valueOf(read.data?.[0]?.attributes, 'emailunsubscriptiondate')).toBeUndefined();

    const history = await getContactHistory({ client, path: { contactKey: 'sticky@example.com', size: 10 } });
    expect(history.data?.logs[0]).toMatchObject({
      Type: 'update',
      Title: expect.stringContaining('(forced)'),
      Group: 'api',
    });
  });

  it('brings a deleted unsubscribed contact back unsubscribed, and keeps only a hash', async () => {
    const created = await upsertContact({
      client,
      body: {
        contactKey: 'gone@example.com',
        attributes: [
          { fieldName: 'emailoptin', fieldValue: 'no' },
          { fieldName: 'emailunsubscriptionreason', fieldValue: 'trop de mails' },
        ],
      },
    });
    const deleted = await deleteContact({ client, path: { contactKey: 'gone@example.com' } });
    expect(deleted.response.status).toBe(204);
    expect((await getContactById({ client, path: { id: created.data!.id } })).response.status).toBe(404);
    const suppression = await t.database.dataSource.query(
      'SELECT channel, key_hash, opt_in, reason FROM suppression WHERE account_id = $1',
      [account.id],
    );
    expect(suppression).toContainEqual({
      channel: 'email',
      key_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      opt_in: 'no',
      reason: 'trop de mails',
    });
    expect(JSON.stringify(suppression)).not.toContain('gone@example.com');

    const back = await upsertContact({
      client,
      body: { contactKey: 'GONE@example.com', attributes: [{ fieldName: 'emailoptin', fieldValue: 'yes' }] },
    });
    expect(back.data).toMatchObject({
      status: 'created',
      warnings: [expect.stringContaining('emailoptin stays "no"')],
    });
    const read = await getContact({ client, path: { contactKey: 'gone@example.com' } });
    expect(valueOf(read.data?.[0]?.attributes, 'emailoptin')).toBe('no');
    expect(valueOf(read.data?.[0]?.attributes, 'emailunsubscriptionreason')).toBe('trop de mails');
  });

  it('gives an existing contact the opt-out kept for a mobile it receives, unless forced', async () => {
    await upsertContact({
      client,
      body: {
        contactKey: 'old-owner@example.com',
        attributes: [
          { fieldName: 'mobile', fieldValue: '06 11 22 33 44' },
          { fieldName: 'mobileoptin', fieldValue: 'no' },
          { fieldName: 'mobileunsubscriptionreason', fieldValue: 'STOP' },
        ],
      },
    });
    expect((await deleteContact({ client, path: { contactKey: 'old-owner@example.com' } })).response.status).toBe(204);
    await upsertContact({
      client,
      body: { contactKey: 'new-owner@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'Nina' }] },
    });

    const given = await upsertContact({
      client,
      body: {
        contactKey: 'new-owner@example.com',
        attributes: [
          { fieldName: 'mobile', fieldValue: '+33611223344' },
          { fieldName: 'mobileoptin', fieldValue: 'yes' },
        ],
      },
    });
    expect(given.data).toMatchObject({
      status: 'updated',
      warnings: [expect.stringContaining('mobileoptin stays "no"')],
    });
    let read = await getContact({ client, path: { contactKey: 'new-owner@example.com' } });
    expect(valueOf(read.data?.[0]?.attributes, 'mobile')).toBe('+33611223344');
    expect(valueOf(read.data?.[0]?.attributes, 'mobileoptin')).toBe('no');
    expect(valueOf(read.data?.[0]?.attributes, 'mobileunsubscriptionreason')).toBe('STOP');

    const forced = await upsertContact({
      client,
      body: {
        contactKey: 'new-owner@example.com',
        force: true,
        attributes: [{ fieldName: 'mobileoptin', fieldValue: 'yes' }],
      },
    });
    expect(forced.data).toMatchObject({ status: 'updated', warnings: [] });
    read = await getContact({ client, path: { contactKey: 'new-owner@example.com' } });
    expect(valueOf(read.data?.[0]?.attributes, 'mobileoptin')).toBe('yes');
  });

  it('treats national and international forms of one mobile as one contact', async () => {
    const mobileAccount = await t.createAccount('SMS shop');
    const sms = t.sdk(mobileAccount);
    const put = await t.http
      .put('/api/rest/v4/account/settingsattribute')
      .set('Authorization', mobileAccount.auth)
      .send({ attributeType: { uniquenessKey: 'mobile' } });
    expect(put.status).toBe(200);
    const forms = ['0612345678', '612345678', '06 12 34 56 78', '+33 6 12 34 56 78'];
    const results = [];
    for (const [i, contactKey] of forms.entries()) {
      results.push(
        await upsertContact({
          client: sms,
          body: { contactKey, attributes: [{ fieldName: 'firstname', fieldValue: `v${i}` }] },
        }),
      );
    }
    expect(results.map((r) => r.data?.status)).toEqual(['created', 'updated', 'updated', 'updated']);
    expect(new Set(results.map((r) => r.data?.id)).size).toBe(1);
    const list = await listContacts({ client: sms });
    expect(list.data?.contacts).toHaveLength(1);
    expect(list.data?.contacts[0]).toMatchObject({ contactKey: '+33612345678' });
    expect(valueOf(list.data?.contacts[0].attributes, 'firstname')).toBe('v3');

    const invalid = await upsertContact({ client: sms, body: { contactKey: '12345', attributes: [] } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toMatchObject({ message: expect.stringContaining('is not a valid mobile number') });
  });

  it('writes 500 contacts in one call and reports each bad item', async () => {
    const items: unknown[] = Array.from({ length: 500 }, (_, i) => ({
      contactKey: `bulk${i}@example.com`,
      attributes: [{ fieldName: 'lastname', fieldValue: `N${i}` }],
    }));
    items[3] = { contactKey: 'broken-address', attributes: [] };
    items[10] = { contactKey: 'bulk10@example.com', attributes: [{ fieldName: 'birthdate', fieldValue: 'hier' }] };
    items[20] = { attributes: [] };
    const res = await upsertContacts({ client, body: items as never });
    expect(res.response.status).toBe(201);
    expect(res.data).toMatchObject({ created: 497, updated: 0, unchanged: 0, failed: 3 });
    const failures = res.data!.results.filter((r) => r.status === 'error');
    expect(failures.map((f) => [f.index, f.statusCode])).toEqual([
      [3, 400],
      [10, 400],
      [20, 400],
    ]);
    expect(failures[0].message).toContain('"broken-address" is not a valid email address');
    expect(failures[1].details).toEqual([
      { field: 'birthdate', message: expect.stringContaining('"hier" is not a valid date') },
    ]);
    expect(failures[2].message).toContain('contactKey');
    const count = await t.database.dataSource.query(
      "SELECT count(*)::int AS n FROM contact WHERE account_id = $1 AND email LIKE 'bulk%'",
      [account.id],
    );
    expect(count[0].n).toBe(497);

    const updates = await updateContacts({
      client,
      body: [
        { contactKey: 'bulk0@example.com', attributes: [{ fieldName: 'lastname', fieldValue: 'Zéro' }] },
        { contactKey: 'nobody@example.com', attributes: [] },
      ],
    });
    expect(updates.data?.results.map((r) => [r.status, r.statusCode])).toEqual([
      ['updated', undefined],
      ['error', 404],
    ]);

    const tooMany = await upsertContacts({ client, body: Array.from({ length: 501 }, () => items[0]) as never });
    expect(tooMany.response.status).toBe(413);
  });

  it('records history and answers both history calls', async () => {
    await upsertContact({
      client,
      body: { contactKey: 'story@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'A' }] },
    });
    await upsertContact({
      client,
      body: { contactKey: 'story@example.com', attributes: [{ fieldName: 'firstname', fieldValue: 'B' }] },
    });
    const byPath = await getContactHistory({ client, path: { contactKey: 'story@example.com', size: 1 } });
    expect(byPath.data).toMatchObject({ contactKey: 'story@example.com', contactFound: 1, records: 2 });
    expect(byPath.data?.logs).toEqual([
      {
        Id: expect.any(Number),
        Type: 'update',
        Object: 'firstname',
        Title: 'Updated by API: firstname',
        Date: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        Group: 'api',
        OperationId: 0,
        LogDate: expect.stringMatching(/^\d{4}-/),
      },
    ]);
    const byBody = await searchContactHistory({ client, body: { contactKey: 'story@example.com', size: 5 } });
    expect(byBody.data?.logs.map((l) => l.type)).toEqual(['update', 'creation']);
    const unknown = await searchContactHistory({ client, body: { contactKey: 'nobody@example.com' } });
    expect(unknown.data).toEqual({ contactKey: 'nobody@example.com', contactFound: false, records: 0, logs: [] });
  });

  it('pages through contacts with a cursor and filters', async () => {
    const pager = t.sdk(await t.createAccount('Pager'));
    for (let i = 0; i < 5; i++) {
      await upsertContact({ client: pager, body: { contactKey: `p${i}@example.com`, attributes: [] } });
    }
    const first = await listContacts({ client: pager, query: { limit: 2 } });
    expect(first.data?.contacts.map((c) => c.contactKey)).toEqual(['p0@example.com', 'p1@example.com']);
    const second = await listContacts({ client: pager, query: { limit: 2, cursor: first.data!.nextCursor! } });
    expect(second.data?.contacts.map((c) => c.contactKey)).toEqual(['p2@example.com', 'p3@example.com']);
    const third = await listContacts({ client: pager, query: { limit: 2, cursor: second.data!.nextCursor! } });
    expect(third.data).toMatchObject({ nextCursor: null });
    expect(third.data?.contacts).toHaveLength(1);
    const byEmail = await listContacts({ client: pager, query: { email: 'P3@EXAMPLE.COM' } });
    expect(byEmail.data?.contacts.map((c) => c.contactKey)).toEqual(['p3@example.com']);
    const future = await listContacts({ client: pager, query: { updatedSince: '2999-01-01T00:00:00Z' } });
    expect(future.data?.contacts).toEqual([]);
    const badCursor = await listContacts({ client: pager, query: { cursor: 'nope' } });
    expect(badCursor.response.status).toBe(400);
  });

  it('anonymises a contact, keeping only the suppression hash', async () => {
    const created = await upsertContact({
      client,
      body: {
        contactKey: 'forget.me@example.com',
        attributes: [
          { fieldName: 'firstname', fieldValue: 'Oubli' },
          { fieldName: 'mobile', fieldValue: '0698765432' },
        ],
      },
    });
    const res = await anonymiseContact({ client, path: { id: created.data!.id } });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ id: created.data!.id });
    const row = (await t.database.dataSource.query('SELECT * FROM contact WHERE id = $1', [created.data!.id]))[0];
    expect(row).toMatchObject({ email: null, mobile: null, firstname: null, unique_key: null, fields: {} });
    expect(JSON.stringify(row)).not.toMatch(/forget|Oubli|98765432/);
    const again = await upsertContact({ client, body: { contactKey: 'forget.me@example.com', attributes: [] } });
    expect(again.data?.status).toBe('created');
    const read = await getContact({ client, path: { contactKey: 'forget.me@example.com' } });
    expect(valueOf(read.data?.[0]?.attributes, 'emailoptin')).toBe('no');
    expect((await anonymiseContact({ client, path: { id: created.data!.id } })).response.status).toBe(409);
  });

  it("answers 404 for another account's contacts on every route with an id or key", async () => {
    const created = await upsertContact({ client, body: { contactKey: 'mine@example.com', attributes: [] } });
    const id = created.data!.id;
    const intruder = t.sdk(await t.createAccount('Intruder'));
    const responses = await Promise.all([
      getContact({ client: intruder, path: { contactKey: 'mine@example.com' } }),
      getContactById({ client: intruder, path: { id } }),
      updateContact({ client: intruder, body: { contactKey: 'mine@example.com', attributes: [] } }),
      deleteContact({ client: intruder, path: { contactKey: 'mine@example.com' } }),
      deleteContactById({ client: intruder, path: { id } }),
      anonymiseContact({ client: intruder, path: { id } }),
    ]);
    expect(responses.map((r) => r.response.status)).toEqual([404, 404, 404, 404, 404, 404]);
    const history = await getContactHistory({ client: intruder, path: { contactKey: 'mine@example.com', size: 5 } });
    expect(history.data?.contactFound).toBe(0);
    expect((await getContactById({ client, path: { id } })).response.status).toBe(200);
  });

  it('deletes by id', async () => {
    const created = await upsertContact({ client, body: { contactKey: 'byid@example.com', attributes: [] } });
    expect((await deleteContactById({ client, path: { id: created.data!.id } })).response.status).toBe(204);
    expect((await deleteContactById({ client, path: { id: created.data!.id } })).response.status).toBe(404);
  });
});
