import {
  addGroupContacts,
  countSearchContacts,
  countSegment,
  createContactField,
  createContactFieldValue,
  createGroup,
  createSegment,
  deleteImport,
  deleteSegment,
  getSegment,
  getSegmentFields,
  listSegmentContacts,
  listSegments,
  searchContacts,
  updateSegment,
  upsertContact,
  upsertContacts,
} from '../sdk';
import { DEFAULT_SEGMENTS } from '../src/modules/segments/default-segments';
import { SegmentsService } from '../src/modules/segments/segments.service';
import { startTestApp, TestAccount, TestApp } from './harness';

type Attributes = { fieldName: string; fieldValue: string }[];

describe('segments and search', () => {
  let t: TestApp;
  let account: TestAccount;
  let other: TestAccount;
  let score = 0;
  let interests = 0;
  let pearl = 0;
  let diamond = 0;

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Segments');
    other = await t.createAccount('Other');
    const client = t.sdk(account);
    score = (await createContactField({ client, body: { name: 'Score', format: 'Number' }, throwOnError: true })).data
      .id;
    interests = (
      await createContactField({
        client,
        body: { name: "Centres d'intérêt", format: 'MultipleSelection' },
        throwOnError: true,
      })
    ).data.id;
    pearl = (
      await createContactFieldValue({ client, path: { id: interests }, body: { text: 'Perle' }, throwOnError: true })
    ).data.id;
    diamond = (
      await createContactFieldValue({ client, path: { id: interests }, body: { text: 'Diamant' }, throwOnError: true })
    ).data.id;
    const contact = (email: string, attributes: Record<string, string>) => ({
      contactKey: email,
      attributes: Object.entries(attributes).map(([fieldName, fieldValue]) => ({ fieldName, fieldValue })),
    });
    const written = await upsertContacts({
      client,
      body: [
        contact('lea@example.com', {
          firstname: 'Léa',
          zipcode: '75011',
          emailoptin: 'yes',
          [score]: '12',
          [interests]: 'Perle',
        }),
        contact('marc@example.com', { firstname: 'Marc', zipcode: '75002', emailoptin: 'no', [score]: '3' }),
        contact('nina@example.com', {
          firstname: 'Nina',
          zipcode: '44000',
          emailoptin: 'yes',
          [interests]: 'Perle,Diamant',
        }),
        contact('omar@example.com', { firstname: 'Omar', zipcode: '75019', emailoptin: 'yes', [score]: '40' }),
      ],
    });
    expect(written.response.status).toBe(201);
    await upsertContact({
      client: t.sdk(other),
      body: contact('zoe@example.com', { firstname: 'Zoé', zipcode: '75001' }),
    });
  });
  afterAll(async () => t.close());

  const firstnames = (contacts: { attributes: unknown }[]) =>
    contacts.map((c) => (c.attributes as Attributes).find((a) => a.fieldName === 'firstname')?.fieldValue);

  it('lists the default segments first, with the same ids in every account', async () => {
    const mine = (await listSegments({ client: t.sdk(account), throwOnError: true })).data;
    const theirs = (await listSegments({ client: t.sdk(other), throwOnError: true })).data;
    const defaults = DEFAULT_SEGMENTS.map((s) => ({ id: s.id, name: s.name, tree: s.tree, isDefault: true }));
    expect(mine.map(({ id, name, tree, isDefault }) => ({ id, name, tree, isDefault }))).toEqual(defaults);
    expect(theirs.map((s) => s.id)).toEqual(defaults.map((s) => s.id));
    const counts = async (who: TestAccount, id: number) =>
      (await countSegment({ client: t.sdk(who), path: { id }, throwOnError: true })).data.count;
    expect(await counts(account, 1)).toBe(4);
    expect(await counts(account, 5)).toBe(3); // email subscribers
    expect(await counts(account, 6)).toBe(1); // email unsubscribed
    expect(await counts(account, 8)).toBe(0); // SMS contacts
    expect(await counts(other, 1)).toBe(1);
  });

  it('refuses to change or delete a default segment', async () => {
    const client = t.sdk(account);
    const changed = await updateSegment({ client, path: { id: 1 }, body: { name: 'x', tree: { all: [] } } });
    expect(changed.response.status).toBe(409);
    expect(changed.error).toMatchObject({
      message: 'Segment 1 "Tous les contacts" is a default segment and cannot be changed or deleted',
    });
    expect((await deleteSegment({ client, path: { id: 1 } })).response.status).toBe(409);
  });

  it('saves a segment built from the criteria editor catalogue, counts it and pages its contacts', async () => {
    const client = t.sdk(account);
    const catalogue = (await getSegmentFields({ client, throwOnError: true })).data;
    const zipcode = catalogue.fields.find((f) => f.key === 'zipcode')!;
    const centres = catalogue.fields.find((f) => f.key === String(interests))!;
    expect(zipcode.operators).toContain('startsWith');
    expect(centres).toMatchObject({
      kind: 'multi',
      operators: ['hasAny', 'hasAll', 'hasNone', 'isEmpty', 'isNotEmpty'],
    });
    expect(centres.values).toEqual([
      { value: pearl, label: 'Perle' },
      { value: diamond, label: 'Diamant' },
    ]);
    const created = await createSegment({
      client,
      body: {
        name: 'Parisiens ou Perle',
        tree: {
          any: [
            { field: zipcode.key, op: 'startsWith', value: '75' },
            { field: centres.key, op: 'hasAny', values: [centres.values![0].value] },
          ],
        },
      },
    });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(id).toBeGreaterThan(1000);
    expect(created.data).toMatchObject({ name: 'Parisiens ou Perle', isDefault: false });

    const count = (await countSegment({ client, path: { id }, throwOnError: true })).data;
    expect(count.count).toBe(4);
    expect(count.countedAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await listSegmentContacts({
        client,
        path: { id },
        query: { limit: 3, fields: 'firstname,' + score, ...(cursor ? { cursor } : {}) },
        throwOnError: true,
      });
      for (const c of res.data.contacts) {
        expect(
          (c.attributes as Attributes).map((a) => a.fieldName).every((n) => ['firstname', String(score)].includes(n)),
        ).toBe(true);
      }
      seen.push(...(firstnames(res.data.contacts) as string[]));
      if (!res.data.nextCursor) break;
      cursor = res.data.nextCursor;
    }
    expect(seen).toEqual(['Léa', 'Marc', 'Nina', 'Omar']);
  });

  it('nests segments, refuses a cycle naming it, and refuses deleting a segment in use naming its users', async () => {
    const client = t.sdk(account);
    const paris = (
      await createSegment({
        client,
        body: { name: 'Paris', tree: { field: 'zipcode', op: 'startsWith', value: '75' } },
        throwOnError: true,
      })
    ).data;
    const subscribed = (
      await createSegment({
        client,
        body: { name: 'Parisiens abonnés', tree: { all: [{ inSegment: paris.id }, { inSegment: 5 }] } },
        throwOnError: true,
      })
    ).data;
    expect((await countSegment({ client, path: { id: subscribed.id }, throwOnError: true })).data.count).toBe(2);
    const excluded = await searchContacts({
      client,
      body: { tree: { all: [{ inSegment: 1 }, { not: { inSegment: paris.id } }] } },
      throwOnError: true,
    });
    expect(firstnames(excluded.data.contacts)).toEqual(['Nina']);

    const cycle = await updateSegment({
      client,
      path: { id: paris.id },
      body: {
        name: 'Paris',
        tree: { any: [{ field: 'zipcode', op: 'startsWith', value: '75' }, { inSegment: subscribed.id }] },
      },
    });
    expect(cycle.response.status).toBe(400);
    expect(cycle.error).toMatchObject({
      message: `any[1]: segment cycle: segment ${paris.id} "Paris" → segment ${subscribed.id} "Parisiens abonnés" → segment ${paris.id} "Paris"`,
    });

    const inUse = await deleteSegment({ client, path: { id: paris.id } });
    expect(inUse.response.status).toBe(409);
    expect(inUse.error).toMatchObject({
      message: `Segment ${paris.id} "Paris" is used by segment ${subscribed.id} "Parisiens abonnés"; remove it from their criteria first`,
    });
    expect((await deleteSegment({ client, path: { id: subscribed.id } })).response.status).toBe(204);
    expect((await deleteSegment({ client, path: { id: paris.id } })).response.status).toBe(204);
    expect((await getSegment({ client, path: { id: paris.id } })).response.status).toBe(404);
  });

  it('answers 400 naming each criterion by its path', async () => {
    const res = await countSearchContacts({
      client: t.sdk(account),
      body: {
        tree: {
          all: [
            { field: 'zipcode', op: 'startsWith', value: '75' },
            { field: 'emailoptin', op: 'equals', value: 'yes' },
            { any: [{ field: String(score), op: 'startsWith', value: '1' }] },
          ],
        },
      },
    });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({
      message:
        'all[2].any[0]: operator startsWith is not valid for Number field "Score"; use one of equals, notEquals, greaterThan, lessThan, between, isEmpty, isNotEmpty',
      details: [{ field: 'all[2].any[0]' }],
    });
    const notATree = await createSegment({ client: t.sdk(account), body: { name: 'x', tree: [] as never } });
    expect(notATree.response.status).toBe(400);
  });

  it('counts and pages an ad-hoc search', async () => {
    const client = t.sdk(account);
    const tree = {
      all: [
        { field: String(score), op: 'greaterThan', value: 5 },
        { field: 'emailoptin', op: 'equals', value: 'yes' },
      ],
    };
    expect((await countSearchContacts({ client, body: { tree }, throwOnError: true })).data.count).toBe(2);
    const page = await searchContacts({ client, body: { tree, limit: 1, fields: ['email'] }, throwOnError: true });
    expect(page.data.contacts).toEqual([
      {
        id: expect.any(Number),
        contactKey: 'lea@example.com',
        attributes: [{ id: 'email', fieldName: 'email', fieldValue: 'lea@example.com' }],
      },
    ]);
    const next = await searchContacts({
      client,
      body: { tree, cursor: page.data.nextCursor!, fields: ['firstname'] },
      throwOnError: true,
    });
    expect(firstnames(next.data.contacts)).toEqual(['Omar']);
    expect(next.data.nextCursor).toBeNull();
    const badField = await searchContacts({ client, body: { tree, fields: ['nope'] } });
    expect(badField.response.status).toBe(400);
  });

  it('sees a contact written by the API or by an import on the very next read, and keeps "in import" after the import is forgotten', async () => {
    const client = t.sdk(account);
    const paris = (
      await createSegment({
        client,
        body: { name: 'Paris 2', tree: { field: 'zipcode', op: 'startsWith', value: '75' } },
        throwOnError: true,
      })
    ).data;
    const before = (await countSegment({ client, path: { id: paris.id }, throwOnError: true })).data.count;
    await upsertContact({
      client,
      body: { contactKey: 'paul@example.com', attributes: [{ fieldName: 'zipcode', fieldValue: '75005' }] },
    });
    expect((await countSegment({ client, path: { id: paris.id }, throwOnError: true })).data.count).toBe(before + 1);

    const file = Buffer.from('email;zipcode\nlea@example.com;75011\nines@example.com;75020\nyann@example.com;29000\n');
    const upload = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', '["email","zipcode"]')
      .attach('file', file, 'contacts.csv');
    expect(upload.status).toBe(201);
    const importId = upload.body.Id as number;
    expect(await t.finished(account, importId)).toMatchObject({ Status: 'done' });
    expect((await countSegment({ client, path: { id: paris.id }, throwOnError: true })).data.count).toBe(before + 2);

    const fromImport = (
      await createSegment({ client, body: { name: 'Import', tree: { inImport: importId } }, throwOnError: true })
    ).data;
    const members = async () =>
      firstnames(
        (
          await listSegmentContacts({
            client,
            path: { id: fromImport.id },
            query: { fields: 'email' },
            throwOnError: true,
          })
        ).data.contacts,
      ).length;
    // Léa was updated (unchanged zip: the file repeats it, so nothing was written), Inès and Yann created.
    const count = (await countSegment({ client, path: { id: fromImport.id }, throwOnError: true })).data.count;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(await members()).toBe(count);
    expect((await deleteImport({ client, path: { id: importId } })).response.status).toBe(204);
    expect((await countSegment({ client, path: { id: fromImport.id }, throwOnError: true })).data.count).toBe(count);
    const again = await countSearchContacts({ client, body: { tree: { inImport: importId } }, throwOnError: true });
    expect(again.data.count).toBe(count);
  });

  it('keeps every account to its own segments, groups and imports', async () => {
    const mine = (
      await createSegment({ client: t.sdk(account), body: { name: 'Mine', tree: { all: [] } }, throwOnError: true })
    ).data;
    const group = (await createGroup({ client: t.sdk(account), body: { name: 'VIP' }, throwOnError: true })).data;
    const client = t.sdk(other);
    expect((await getSegment({ client, path: { id: mine.id } })).response.status).toBe(404);
    expect(
      (await updateSegment({ client, path: { id: mine.id }, body: { name: 'x', tree: { all: [] } } })).response.status,
    ).toBe(404);
    expect((await deleteSegment({ client, path: { id: mine.id } })).response.status).toBe(404);
    expect((await countSegment({ client, path: { id: mine.id } })).response.status).toBe(404);
    expect((await listSegmentContacts({ client, path: { id: mine.id } })).response.status).toBe(404);
    for (const path of [`/api/rest/v4/segment/${mine.id}`, `/api/rest/v4/segment/updatecache/${mine.id}`]) {
      expect((await t.http.get(path).set('Authorization', other.auth)).status).toBe(404);
    }
    expect((await t.http.delete(`/api/rest/v4/segment/${mine.id}`).set('Authorization', other.auth)).status).toBe(404);
    const put = await t.http
      .put('/api/rest/v4/segment')
      .set('Authorization', other.auth)
      .send({ id: mine.id, name: 'x', details: '{"all": []}' });
    expect(put.status).toBe(404);

    for (const [tree, message] of [
      [{ inSegment: mine.id }, `root: no such segment ${mine.id}`],
      [{ inGroup: group.id }, `root: no such group ${group.id}`],
    ] as const) {
      const res = await countSearchContacts({ client, body: { tree } });
      expect(res.response.status).toBe(400);
      expect(res.error).toMatchObject({ message });
    }
    expect((await getSegment({ client: t.sdk(account), path: { id: mine.id } })).response.status).toBe(200);
  });

  it('mirrors the v4 Segment calls as a v4 client sends them', async () => {
    const v4 = (method: 'get' | 'post' | 'put' | 'delete', path: string) =>
      t.http[method](`/api/rest/v4${path}`)
        .set('Authorization', account.auth)
        .set('Accept', 'application/json')
        .set('Content-Type', 'application/json');
    const list = await v4('get', '/segment');
    expect(list.status).toBe(200);
    expect(list.body[0]).toEqual({
      id: 1,
      name: 'Tous les contacts',
      description: 'Tous les contacts de la base',
      creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      mode: 'union',
      details: '{"all":[]}',
    });
    const details = JSON.stringify([
      { field: 'zipcode', op: 'startsWith', value: '75' },
      { field: 'emailoptin', op: 'equals', value: 'yes' },
    ]);
    const created = await v4('post', '/segment').send(
      JSON.stringify({ name: 'Parisiens abonnés v4', mode: 'intersection', details }, null, 2),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Parisiens abonnés v4', mode: 'intersection' });
    expect(JSON.parse(created.body.details as string)).toEqual({ all: JSON.parse(details) });
    const id = created.body.id as number;
    const cache = await v4('get', `/segment/updatecache/${id}`);
    expect(cache.status).toBe(200);
    const expected = await countSearchContacts({
      client: t.sdk(account),
      body: { tree: { all: JSON.parse(details) as object[] } },
      throwOnError: true,
    });
    expect(cache.body).toEqual({ count: expected.data.count, countedAt: expect.any(String) });
    expect(expected.data.count).toBeGreaterThanOrEqual(2); // at least Léa and Omar

    const union = await v4('put', '/segment').send({ id, name: 'Parisiens ou abonnés', details });
    expect(union.status).toBe(200);
    expect(union.body).toMatchObject({ id, name: 'Parisiens ou abonnés', mode: 'union' });
    expect(JSON.parse((await v4('get', `/segment/${id}`)).body.details as string)).toEqual({
      any: JSON.parse(details),
    });
    expect((await v4('get', `/segment/updatecache/${id}`)).body.count).toBeGreaterThanOrEqual(5);

    const bad = await v4('post', '/segment').send({
      name: 'bad',
      details: '{"field": "zipcode", "op": "after", "value": "1"}',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      'root: operator after is not valid for ShortText field "Zip code"; use one of equals, notEquals, startsWith, notStartsWith, endsWith, notEndsWith, contains, notContains, in, notIn, isEmpty, isNotEmpty',
    );
    expect((await v4('post', '/segment').send({ name: 'bad', details: 'not json' })).status).toBe(400);
    expect((await v4('delete', `/segment/${id}`)).status).toBe(204);
    expect((await v4('get', `/segment/${id}`)).status).toBe(404);
  });

  it('gives other modules a predicate for a segment, a tree, a group or an import', async () => {
    const service = t.app.get(SegmentsService);
    const db = t.database.dataSource;
    const group = (await createGroup({ client: t.sdk(account), body: { name: 'Export' }, throwOnError: true })).data;
    const [lea] = (
      await searchContacts({
        client: t.sdk(account),
        body: { tree: { field: 'email', op: 'equals', value: 'lea@example.com' } },
        throwOnError: true,
      })
    ).data.contacts;
    await addGroupContacts({
      client: t.sdk(account),
      path: { id: group.id },
      body: { contactIds: [lea.id] },
      throwOnError: true,
    });
    const emails = async (selection: Parameters<SegmentsService['selectionPredicate']>[1]) => {
      const predicate = await service.selectionPredicate(account.id, selection, { alias: 'x', firstParam: 3 });
      const rows: { email: string }[] = await db.query(
        `SELECT x.email FROM contact x WHERE x.account_id = $1 AND x.id > $2 AND ${predicate.sql} ORDER BY x.email`,
        [account.id, 0, ...predicate.params],
      );
      return rows.map((r) => r.email);
    };
    expect(await emails({ groupId: group.id })).toEqual(['lea@example.com']);
    expect(await emails({ segmentId: 6 })).toEqual(['marc@example.com']);
    expect(await emails({ tree: { field: 'zipcode', op: 'startsWith', value: '44' } })).toEqual(['nina@example.com']);
    await expect(
      service.selectionPredicate(other.id, { groupId: group.id }, { alias: 'x', firstParam: 1 }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'GroupNotFound',
    });
    await expect(
      service.selectionPredicate(other.id, { importId: 123456789 }, { alias: 'x', firstParam: 1 }),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      service.selectionPredicate(account.id, { segmentId: 999999 }, { alias: 'x', firstParam: 1 }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'SegmentNotFound',
    });
    await expect(
      service.selectionPredicate(
        account.id,
        { tree: { field: 'nope', op: 'equals', value: 1 } as never },
        { alias: 'x', firstParam: 1 },
      ),
    ).rejects.toMatchObject({ status: 400, code: 'InvalidCriteria' });
  });
});
