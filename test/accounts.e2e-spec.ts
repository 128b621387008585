import { ADMIN_TOKEN, startTestApp, TestAccount, TestApp } from './harness';

describe('accounts, auth and settings', () => {
  let t: TestApp;
  let account: TestAccount;
  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Boutique Éclair');
  });
  afterAll(async () => t.close());

  it('creates an account with a one-time API key', async () => {
    const login = `fleurs-${Date.now()}`;
    const res = await t.http
      .post('/api/rest/v4/admin/accounts')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'Fleurs', login });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'Fleurs', login, apiKey: expect.any(String) });
    const stored = await t.database.dataSource.query('SELECT api_key_hash FROM account WHERE id = $1', [res.body.id]);
    expect(stored[0].api_key_hash).not.toContain(res.body.apiKey);
    expect(stored[0].api_key_hash).toMatch(/^[0-9a-f]{64}$/);

    const taken = await t.http
      .post('/api/rest/v4/admin/accounts')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'Other', login });
    expect(taken.status).toBe(409);
  });

  it('derives a login from the name when none is given', () => {
    expect(account.login).toMatch(/^boutique-eclair-[0-9a-f]{6}$/);
  });

  it('refuses admin calls without the admin token', async () => {
    const none = await t.http.post('/api/rest/v4/admin/accounts').send({ name: 'x' });
    expect(none.status).toBe(401);
    const wrong = await t.http
      .post('/api/rest/v4/admin/accounts')
      .set('Authorization', `Bearer ${account.apiKey}`)
      .send({ name: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('accepts Basic login:apiKey and Bearer apiKey, and answers 401 with WWW-Authenticate otherwise', async () => {
    const basic = await t.http.get('/api/rest/v4/account/contactattribute').set('Authorization', account.auth);
    expect(basic.status).toBe(200);
    const bearer = await t.http
      .get('/api/rest/v4/account/contactattribute')
      .set('Authorization', `Bearer ${account.apiKey}`);
    expect(bearer.status).toBe(200);

    const none = await t.http.get('/api/rest/v4/account/contactattribute');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm="carnet"/);
    expect(none.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'Unauthorized',
      message: expect.stringContaining('HTTP Basic'),
    });

    const wrongKey = await t.http
      .get('/api/rest/v4/account/contactattribute')
      .set('Authorization', `Basic ${Buffer.from(`${account.login}:nope`).toString('base64')}`);
    expect(wrongKey.status).toBe(401);
    const wrongLogin = await t.http
      .get('/api/rest/v4/account/contactattribute')
      .set('Authorization', `Basic ${Buffer.from(`nobody:${account.apiKey}`).toString('base64')}`);
    expect(wrongLogin.status).toBe(401);
  });

  it('rotates the key: the old one stops working, the new one works', async () => {
    const other = await t.createAccount('Rotation');
    const res = await t.http
      .post(`/api/rest/v4/admin/accounts/${other.id}/keys`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(res.status).toBe(201);
    expect(res.body.apiKey).not.toBe(other.apiKey);
    const old = await t.http.get('/api/rest/v4/account/contactattribute').set('Authorization', other.auth);
    expect(old.status).toBe(401);
    const fresh = await t.http
      .get('/api/rest/v4/account/contactattribute')
      .set('Authorization', `Bearer ${res.body.apiKey}`);
    expect(fresh.status).toBe(200);

    const unknown = await t.http
      .post('/api/rest/v4/admin/accounts/00000000-0000-4000-8000-000000000000/keys')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(unknown.status).toBe(404);
  });

  it('reads and changes settings with their defaults', async () => {
    const get = (setting: string) =>
      t.http.get(`/api/rest/v4/account/settingsattribute/${setting}`).set('Authorization', account.auth);
    expect((await get('uniquenessKey')).body).toEqual({ attributeType: { uniquenessKey: 'email' } });
    expect((await get('defaultCountry')).body).toEqual({ attributeType: { defaultCountry: 'FR' } });
    expect((await get('allowDuplicates')).body).toEqual({ attributeType: { allowDuplicates: false } });
    expect((await get('timezone')).body).toEqual({ attributeType: { timezone: 'Europe/Paris' } });

    const put = await t.http
      .put('/api/rest/v4/account/settingsattribute')
      .set('Authorization', account.auth)
      .send({ attributeType: { defaultCountry: 'be', timezone: 'Europe/Brussels' } });
    expect(put.status).toBe(200);
    expect(put.body.attributeType).toMatchObject({ defaultCountry: 'BE', timezone: 'Europe/Brussels' });
    expect((await get('defaultCountry')).body).toEqual({ attributeType: { defaultCountry: 'BE' } });
  });

  it('names an unknown setting or a bad value', async () => {
    const unknown = await t.http
      .get('/api/rest/v4/account/settingsattribute/colour')
      .set('Authorization', account.auth);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('Unknown setting "colour"');

    const bad = await t.http
      .put('/api/rest/v4/account/settingsattribute')
      .set('Authorization', account.auth)
      .send({ attributeType: { uniquenessKey: 'phone', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(bad.body.details).toEqual([
      { message: 'uniquenessKey must be "email" or "mobile"' },
      { message: expect.stringContaining('Unknown setting "colour"') },
    ]);
  });

  it('answers malformed JSON with a 400 that says so', async () => {
    const res = await t.http
      .put('/api/rest/v4/account/settingsattribute')
      .set('Authorization', account.auth)
      .set('Content-Type', 'application/json')
      .send('{"attributeType": {');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'MalformedJson',
      message: expect.stringMatching(/^Malformed JSON body/),
    });
  });

  it('serves health and the OpenAPI UI without credentials', async () => {
    expect((await t.http.get('/health')).status).toBe(200);
    const docs = await t.http.get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });
});
