import { createContactField, createGroup, getContactField, getGroup } from '../sdk';
import { startTestApp, TestAccount, TestApp } from './harness';

/** SPEC §11: every error body is `{statusCode, error, code, message, details?}`, whatever raised it. */
describe('error bodies', () => {
  let t: TestApp;
  let account: TestAccount;
  let client: ReturnType<TestApp['sdk']>;
  beforeAll(async () => {
    t = await startTestApp({ MAX_UPLOAD_MB: '1' });
    account = await t.createAccount('Errors');
    client = t.sdk(account);
  });
  afterAll(async () => t.close());

  it('carries the domain error code of a broken rule', async () => {
    await createGroup({ client, body: { name: 'Clients' } });
    const taken = await createGroup({ client, body: { name: 'clients' } });
    expect(taken.response.status).toBe(409);
    expect(taken.error).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'GroupNameTaken',
      message: 'A group named "clients" already exists (names ignore case)',
    });
    const missing = await getGroup({ client, path: { id: 987654 } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'GroupNotFound' });
  });

  it('codes a validation failure ValidationFailed and lists each field', async () => {
    const res = await createContactField({ client, body: { name: '', format: 'Colour' as never } });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      code: 'ValidationFailed',
      message: expect.stringContaining('format'),
      details: expect.arrayContaining([expect.objectContaining({ field: 'format' })]),
    });
  });

  it('codes a path id that is not a number InvalidId', async () => {
    const res = await getContactField({ client, path: { id: 'abc' as unknown as number } });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({ statusCode: 400, code: 'InvalidId' });
  });

  it('codes an unknown route RouteNotFound', async () => {
    const res = await t.http.get('/api/rest/v4/no/such/route').set('Authorization', account.auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'RouteNotFound',
      message: 'No route GET /api/rest/v4/no/such/route; see /docs for the routes this API serves',
    });
  });

  it('codes malformed JSON, missing credentials and an oversized body', async () => {
    const malformed = await t.http
      .post('/api/rest/v4/groups')
      .set('Authorization', account.auth)
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, code: 'MalformedJson' });

    const anonymous = await t.http.get('/api/rest/v4/groups');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'Unauthorized' });

    const huge = await t.http
      .post('/api/rest/v4/groups')
      .set('Authorization', account.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(21 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', code: 'PayloadTooLarge' });
  });

  it('codes an upload over MAX_UPLOAD_MB PayloadTooLarge', async () => {
    const res = await t.http
      .post('/api/rest/v4/contacts/import/add')
      .set('Authorization', account.auth)
      .field('matchings', 'email')
      .attach('file', Buffer.alloc(1024 * 1024 + 10, 'a'), 'big.csv');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      statusCode: 413,
      code: 'PayloadTooLarge',
      message: expect.stringContaining('MAX_UPLOAD_MB'),
    });
  });

  it('declares the error body in the OpenAPI document for every operation', async () => {
    const res = await t.http.get('/docs-json');
    const document = res.body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(document.components.schemas.ErrorDto.required).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'code', 'message']),
    );
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect([`${method} ${path}`, operation.responses.default?.content]).toEqual([
          `${method} ${path}`,
          { 'application/json': { schema: { $ref: '#/components/schemas/ErrorDto' } } },
        ]);
      }
    }
  });
});
