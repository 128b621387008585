import { startTestApp, TestAccount, TestApp } from './harness';

/** v4 calls as the public v4 client sends them (Basic auth, JSON with Content-Type on every call). */
describe('v4 wire behaviour', () => {
  let t: TestApp;
  let account: TestAccount;
  const V4 = '/api/rest/v4';

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Wire');
  });
  afterAll(async () => t.close());

  const call = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: unknown, who = account) => {
    const req = t.http[method](`${V4}${path}`)
      .set('Authorization', who.auth)
      .set('Accept', 'application/json')
      .set('Content-Type', 'application/json');
    return body === undefined ? req : req.send(JSON.stringify(body, null, 2));
  };

  const importFile = (fields: Record<string, string>, content: string) => {
    let req = t.http.post(`${V4}/contacts/import/add`).set('Authorization', account.auth);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return req.attach('file', Buffer.from(content, 'utf8'), 'contacts.csv');
  };

  it('adds activity with POST /contact/history and reads it back in PascalCase', async () => {
    expect(
      (await call('post', '/contact/attribute', { contactKey: 'reader@example.com', attributes: [] })).status,
    ).toBe(201);
    const added = await call('post', '/contact/history', {
      contactKey: 'Reader@Example.com',
      logs: [
        {
          Type: 'open',
          Object: 'Newsletter 42',
          Title: 'Opened newsletter 42',
          OperationId: 42,
          LogDate: '2026-11-30 10:00:00',
        },
        { Title: 'Clicked the offer', Date: '2026-11-30T10:05:00Z' },
      ],
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ contactKey: 'reader@example.com', added: 2 });

    const history = await call('get', '/contact/history/reader@example.com/2');
    expect(history.status).toBe(200);
    expect(history.body).toEqual({
      contactKey: 'reader@example.com',
      contactFound: 1,
      records: 3,
      logs: [
        {
          Id: expect.any(Number),
          Type: 'activity',
          Object: '',
          Title: 'Clicked the offer',
          Date: '2026-11-30 10:05:00',
          Group: 'api',
          OperationId: 0,
          LogDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        },
        {
          Id: expect.any(Number),
          Type: 'open',
          Object: 'Newsletter 42',
          Title: 'Opened newsletter 42',
          Date: '2026-11-30 10:00:00',
          Group: 'api',
          OperationId: 42,
          LogDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        },
      ],
    });

    const unknown = await call('post', '/contact/history', {
      contactKey: 'nobody@example.com',
      logs: [{ Title: 'x' }],
    });
    expect(unknown.status).toBe(404);
    const badDate = await call('post', '/contact/history', {
      contactKey: 'reader@example.com',
      logs: [{ Title: 'x', LogDate: '30 novembre' }],
    });
    expect(badDate.status).toBe(400);
    expect(badDate.body.message).toContain('logs[0].LogDate');
    const notFound = await call('get', '/contact/history/nobody@example.com/5');
    expect(notFound.body).toEqual({ contactKey: 'nobody@example.com', contactFound: 0, records: 0, logs: [] });
    // The search Carnet had on POST /contact/history lives on its own path.
    const search = await call('post', '/contacts/history/search', { contactKey: 'reader@example.com', size: 1 });
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ contactFound: true, records: 3, logs: [{ title: 'Clicked the offer' }] });
  });

  it('gives list values as texts in the attribute reads and as value ids in the attributevalueid reads', async () => {
    const colours = await call('post', '/account/contactattribute', { name: 'Couleurs', format: 'MultipleSelection' });
    const size = await call('post', '/account/contactattribute', { name: 'Taille', format: 'SingleSelection' });
    const value = async (fieldId: number, text: string) =>
      ((await call('post', `/account/contactattribute/value/${fieldId}`, { text })).body as { id: number }).id;
    const red = await value(colours.body.id, 'Rouge');
    const green = await value(colours.body.id, 'Vert');
    const medium = await value(size.body.id, 'M');

    // Fields named in `id` as v4 documents (a number or a string), values as texts.
    const written = await call('post', '/contact/attribute', {
      contactKey: 'colours@example.com',
      attributes: [
        { id: 'firstname', fieldValue: 'Iris' },
        { id: colours.body.id, fieldValue: 'Rouge, Vert' },
        { id: String(size.body.id), fieldName: 'Taille', fieldValue: 'M' },
      ],
    });
    expect(written.status).toBe(201);
    const contactId = written.body.id as number;

    const pick = (body: { attributes: { id: string; fieldValue: string }[] }[], id: number | string) =>
      body[0].attributes.find((a) => a.id === String(id));
    const texts = await call('get', '/contact/attribute/colours@example.com');
    const textsById = await call('get', `/contact/attributebycid/${contactId}`);
    const ids = await call('get', '/contact/attributevalueid/colours@example.com');
    const idsById = await call('get', `/contact/attributevalueidbycid/${contactId}`);
    for (const res of [texts, textsById, ids, idsById]) {
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({ id: contactId, contactKey: 'colours@example.com' });
      expect(pick(res.body, 'firstname')).toEqual({ id: 'firstname', fieldName: 'firstname', fieldValue: 'Iris' });
    }
    expect(pick(texts.body, colours.body.id)?.fieldValue).toBe('Rouge,Vert');
    expect(pick(texts.body, size.body.id)?.fieldValue).toBe('M');
    expect(textsById.body).toEqual(texts.body);
    expect(pick(ids.body, colours.body.id)?.fieldValue).toBe(`${red},${green}`);
    expect(pick(ids.body, size.body.id)?.fieldValue).toBe(String(medium));
    expect(idsById.body).toEqual(ids.body);
    expect(texts.body[0].idEncrypted).toMatch(/^[\w-]{32}$/);

    // Writes take value ids as well: an id read back is written back unchanged.
    const byIds = await call('put', '/contact/attribute', {
      contactKey: 'colours@example.com',
      attributes: [{ fieldName: String(colours.body.id), fieldValue: String(green) }],
    });
    expect(byIds.body.status).toBe('updated');
    const after = await call('get', '/contact/attribute/colours@example.com');
    expect(pick(after.body, colours.body.id)?.fieldValue).toBe('Vert');
    const neither = await call('post', '/contact/attribute', {
      contactKey: 'colours@example.com',
      attributes: [{ fieldValue: 'x' }],
    });
    expect(neither.status).toBe(400);
    expect(JSON.stringify(neither.body)).toContain('fieldName or id');
  });

  it('answers every contact sharing a key when duplicates are allowed', async () => {
    const owner = await t.createAccount('Wire duplicates');
    const put = await call('put', '/account/settingsattribute', { attributeType: { allowDuplicates: 'true' } }, owner);
    expect(put.status).toBe(200);
    const res = await t.http
      .post(`${V4}/contacts/import/add`)
      .set('Authorization', owner.auth)
      .field('matchings', '["email","firstname"]')
      .field('duplicateOption', 'allowdup')
      .attach('file', Buffer.from('email;prenom\ntwin@example.com;Un\ntwin@example.com;Deux\n'), 'twins.csv');
    expect(res.status).toBe(201);
    expect(await t.finished(owner, res.body.Id as number)).toMatchObject({ Status: 'done', LineAdd: 2 });
    const read = await call('get', '/contact/attribute/twin@example.com', undefined, owner);
    expect(read.status).toBe(200);
    expect(
      (read.body as { attributes: { id: string; fieldValue: string }[] }[]).map(
        (c) => c.attributes.find((a) => a.id === 'firstname')?.fieldValue,
      ),
    ).toEqual(['Un', 'Deux']);
  });

  it('refuses a header line that reads as data, naming the line, and imports from firstLine=1', async () => {
    const file = 'email;prenom\nlea.first@example.com;Léa\npaul.first@example.com;Paul\n';
    const wrong = await importFile(
      { firstLine: '2', firstLineAsHeader: 'true', matchings: '["email","firstname"]' },
      file,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toContain('Line 2');
    expect(wrong.body.message).toContain('lea.first@example.com');
    expect(wrong.body.message).toContain('firstLine');
    expect((await call('get', '/contact/attribute/paul.first@example.com')).status).toBe(404);

    const right = await importFile(
      { firstLine: '1', firstLineAsHeader: 'true', matchings: '["email","firstname"]' },
      file,
    );
    expect(right.status).toBe(201);
    expect(await t.finished(account, right.body.Id as number)).toMatchObject({
      Status: 'done',
      LineRead: 2,
      LineAdd: 2,
      LineError: 0,
    });
    for (const [key, name] of [
      ['lea.first@example.com', 'Léa'],
      ['paul.first@example.com', 'Paul'],
    ]) {
      const read = await call('get', `/contact/attribute/${key}`);
      expect(read.body[0].attributes).toContainEqual({ id: 'firstname', fieldName: 'firstname', fieldValue: name });
    }

    // The same rule holds for a mobile column, and for data starting further down.
    const mobiles = await importFile(
      { firstLine: '2', matchings: '["mobile","email"]' },
      'notes\n06 12 34 56 78;sms.first@example.com\n06 98 76 54 32;sms.second@example.com\n',
    );
    expect(mobiles.status).toBe(400);
    expect(mobiles.body.message).toContain('Line 2');
    expect(mobiles.body.message).toContain('a phone number');
    const below = await importFile({ firstLine: '2', matchings: '["email","firstname"]' }, `export du 01/12\n${file}`);
    expect(below.status).toBe(201);
    expect(await t.finished(account, below.body.Id as number)).toMatchObject({ Status: 'done', LineRead: 2 });
  });
});
