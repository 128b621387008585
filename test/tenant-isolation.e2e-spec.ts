import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { startTestApp, TestAccount, TestApp } from './harness';

/**
 * SPEC §2: another account's id answers 404. Every route of openapi/openapi.json with an id or key in its path is
 * called as account B on a resource of account A. A route needs an entry in RESOURCES below saying how to make,
 * in account A, what its path names: a new route without one fails this test by name.
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type PathParams = Record<string, string | number>;

interface Context {
  t: TestApp;
  /** The owner of every resource made. */
  a: TestAccount;
  /** A request as account A (to make resources). */
  asA: (method: Method, path: string, body?: object) => Promise<Response>;
}

interface Resource {
  /** Makes the resource in account A; answers the path's parameters naming it. */
  make(ctx: Context): Promise<PathParams>;
  /** A valid body for the route, so that the call reaches the lookup (validation runs first). */
  body?: object;
  /** What B must get instead of a 404, for the v4 routes that answer "not found" in a 200. */
  foreign?: (res: Response) => void;
  /** Why the route is not account data (no entry can make a resource of A for it). */
  notTenantData?: string;
}

let unique = 0;
const name = (prefix: string) => `${prefix} ${++unique}`;
const csv = Buffer.from('email;firstname\niso-a@example.com;Alice\n');

function made(res: Response, what: string): Record<string, unknown> {
  if (res.status >= 300)
    throw new Error(`making ${what} for account A failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

// The makers: each creates, in account A, one resource of a kind a path names.
const field = async ({ asA }: Context) => ({
  id: made(await asA('post', '/account/contactattribute', { name: name('Champ'), format: 'ShortText' }), 'a field')
    .id as number,
});
const listField = async ({ asA }: Context) => ({
  id: made(
    await asA('post', '/account/contactattribute', { name: name('Liste'), format: 'SingleSelection' }),
    'a list field',
  ).id as number,
});
const listValue = async (ctx: Context) => {
  const { id } = await listField(ctx);
  return {
    id: made(await ctx.asA('post', `/account/contactattribute/value/${id}`, { text: 'Rouge' }), 'a value').id as number,
  };
};
const contact = async ({ asA }: Context) => {
  const contactKey = `iso-${++unique}@example.com`;
  const body = { contactKey, attributes: [{ fieldName: 'firstname', fieldValue: 'Alice' }] };
  return { id: made(await asA('post', '/contact/attribute', body), 'a contact').id as number, contactKey };
};
const contactKey = async (ctx: Context) => ({ contactKey: (await contact(ctx)).contactKey });
const contactId = async (ctx: Context) => ({ id: (await contact(ctx)).id });
const group = async ({ asA }: Context) => ({
  id: made(await asA('post', '/groups', { name: name('Groupe') }), 'a group').id as number,
});
const operation =
  (kind: 'import' | 'purge') =>
  async ({ t, a }: Context) => {
    const res = await t.http
      .post(`/api/rest/v4/contacts/${kind}/add`)
      .set('Authorization', a.auth)
      .field(kind === 'import' ? 'matchings' : 'keyColumn', kind === 'import' ? '["email","firstname"]' : '1')
      .attach('file', csv, 'contacts.csv');
    const id = made(res, `a ${kind}`).Id as number;
    await t.finished(a, id, kind);
    return { id, fileName: `${kind}-${id}.zip` };
  };
const draft = async ({ t, a }: Context) => {
  const res = await t.http
    .post('/api/rest/v4/imports/drafts')
    .set('Authorization', a.auth)
    .attach('file', csv, 'contacts.csv');
  return { id: made(res, 'a draft').id as string };
};
const segment = async ({ asA }: Context) => ({
  id: made(
    await asA('post', '/segments', {
      name: name('Segment'),
      tree: { field: 'firstname', op: 'equals', value: 'Alice' },
    }),
    'a segment',
  ).id as number,
});
const segmentWrite = { name: 'Renommé', tree: { field: 'firstname', op: 'equals', value: 'Bob' } };
const exportOperation = async ({ asA }: Context) => {
  const id = made(await asA('post', '/contacts/export/add', { name: name('Export') }), 'an export').Id as number;
  return { id, fileName: `export-${id}.zip` };
};
// A server nobody listens on: a run of its schedule fails at once, which is all a run id needs.
const sftpConnection = async ({ asA }: Context) => ({
  id: made(
    await asA('post', '/sftp/connections', {
      name: name('Dépôt'),
      host: '127.0.0.1',
      port: 9,
      username: 'carnet',
      authMethod: 'password',
      password: 'not-a-real-password',
      hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINWzkiabmQkdD7a9b2WFOOcRDUJtutMUe3N4ZC+nCUu9',
    }),
    'an SFTP connection',
  ).id as number,
});
const savedMapping = async (ctx: Context) => {
  const { id: importId } = await operation('import')(ctx);
  return {
    id: made(await ctx.asA('post', '/saved-mappings', { name: name('Modèle'), importId }), 'a saved mapping')
      .id as number,
  };
};
const schedule = async (ctx: Context) => {
  const { id: connectionId } = await sftpConnection(ctx);
  const { id: mappingId } = await savedMapping(ctx);
  const body = { name: name('Planning'), kind: 'import', connectionId, mappingId, cron: '0 0 1 1 *' };
  return {
    id: made(
      await ctx.asA('post', '/schedules', { ...body, remoteDirectory: '/in', filePattern: '*.csv' }),
      'a schedule',
    ).id as number,
  };
};
const scheduleRun = async (ctx: Context) => {
  const { id } = await schedule(ctx);
  return { id, runId: made(await ctx.asA('post', `/schedules/${id}/run`), 'a schedule run').id as number };
};
// An event no other route of this test causes, so the endpoint receives nothing.
const webhook = async ({ asA }: Context) => ({
  id: made(
    await asA('post', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['schedule.run.failed'] }),
    'a webhook endpoint',
  ).id as number,
});
const notTenantData = (why: string): Resource => ({ make: () => Promise.resolve({}), notTenantData: why });

/** One line per route: `'METHOD /path/{param}'` (without /api/rest/v4) → how to make what it names. */
const RESOURCES: Record<string, Resource> = {
  'GET /account/contactattribute/{id}': { make: field },
  'DELETE /account/contactattribute/{id}': { make: field },
  'GET /account/contactattribute/value/{id}': { make: listField },
  'POST /account/contactattribute/value/{id}': { make: listField, body: { text: 'Bleu' } },
  'DELETE /account/contactattribute/value/{id}': { make: listValue },
  'GET /account/settingsattribute/{setting}': notTenantData('a setting name, the same in every account'),
  'POST /admin/accounts/{id}/keys': notTenantData('an admin route (ADMIN_TOKEN), above the accounts'),
  'GET /contact/attribute/{contactKey}': { make: contactKey },
  'DELETE /contact/attribute/{contactKey}': { make: contactKey },
  'GET /contact/attributebycid/{id}': { make: contactId },
  'DELETE /contact/attributebycid/{id}': { make: contactId },
  'GET /contact/attributevalueid/{contactKey}': { make: contactKey },
  'GET /contact/attributevalueidbycid/{id}': { make: contactId },
  'GET /contact/history/{contactKey}/{size}': {
    make: async (ctx) => ({ ...(await contactKey(ctx)), size: 10 }),
    // v4 answers an unknown key with contactFound: 0.
    foreign: (res) => expect([res.status, res.body]).toMatchObject([200, { contactFound: 0, records: 0, logs: [] }]),
  },
  'GET /contacts/{id}/personal-data': { make: contactId },
  'POST /contacts/{id}/anonymise': { make: contactId },
  'GET /contacts/import/{id}': { make: operation('import') },
  'DELETE /contacts/import/{id}': { make: operation('import') },
  'GET /contacts/import/file/{fileName}': { make: operation('import') },
  'GET /contacts/purge/{id}': { make: operation('purge') },
  'DELETE /contacts/purge/{id}': { make: operation('purge') },
  'GET /contacts/purge/file/{fileName}': { make: operation('purge') },
  'GET /segment/{id}': { make: segment },
  'DELETE /segment/{id}': { make: segment },
  'GET /segment/updatecache/{id}': { make: segment },
  'GET /segments/{id}': { make: segment },
  'PUT /segments/{id}': { make: segment, body: segmentWrite },
  'DELETE /segments/{id}': { make: segment },
  'GET /segments/{id}/count': { make: segment },
  'GET /segments/{id}/contacts': { make: segment },
  'GET /contacts/export/{id}': { make: exportOperation },
  'DELETE /contacts/export/{id}': { make: exportOperation },
  'GET /contacts/export/file/{fileName}': { make: exportOperation },
  'GET /exports/{id}': { make: exportOperation },
  'DELETE /exports/{id}': { make: exportOperation },
  'GET /exports/{id}/file': { make: exportOperation },
  'GET /sftp/connections/{id}': { make: sftpConnection },
  'PATCH /sftp/connections/{id}': { make: sftpConnection, body: { name: 'Renommé' } },
  'DELETE /sftp/connections/{id}': { make: sftpConnection },
  'POST /sftp/connections/{id}/test': { make: sftpConnection },
  'GET /saved-mappings/{id}': { make: savedMapping },
  'PATCH /saved-mappings/{id}': { make: savedMapping, body: { name: 'Renommé' } },
  'DELETE /saved-mappings/{id}': { make: savedMapping },
  'GET /schedules/{id}': { make: schedule },
  'PATCH /schedules/{id}': { make: schedule, body: { name: 'Renommé' } },
  'DELETE /schedules/{id}': { make: schedule },
  'POST /schedules/{id}/run': { make: schedule },
  'GET /schedules/{id}/runs': { make: schedule },
  'GET /schedules/{id}/runs/{runId}': { make: scheduleRun },
  'GET /webhooks/{id}': { make: webhook },
  'PATCH /webhooks/{id}': { make: webhook, body: { description: 'Renommé' } },
  'DELETE /webhooks/{id}': { make: webhook },
  'GET /webhooks/{id}/attempts': { make: webhook },
  'POST /webhooks/{id}/rotate-secret': { make: webhook },
  'POST /webhooks/{id}/test': { make: webhook },
  'GET /groups/{id}': { make: group },
  'PUT /groups/{id}': { make: group, body: { name: 'Renommé' } },
  'DELETE /groups/{id}': { make: group },
  'POST /groups/{id}/contacts': { make: group, body: { contactIds: [1] } },
  'DELETE /groups/{id}/contacts': { make: group, body: { contactIds: [1] } },
  'GET /imports/drafts/{id}': { make: draft },
  'DELETE /imports/drafts/{id}': { make: draft },
  'PUT /imports/drafts/{id}/sheet': { make: draft, body: { headerLine: 1 } },
  'PUT /imports/drafts/{id}/matchings': { make: draft, body: { matchings: ['email', 'firstname'] } },
  'POST /imports/drafts/{id}/validation': { make: draft, body: {} },
  'PATCH /imports/drafts/{id}/cells': { make: draft, body: { corrections: [{ line: 2, column: 1, value: 'Bob' }] } },
  'POST /imports/drafts/{id}/confirmation': { make: draft, body: { consent: true } },
};

const PREFIX = '/api/rest/v4';
const document = JSON.parse(readFileSync(join(__dirname, '..', 'openapi', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Partial<Record<Method, unknown>>>;
};
/** Every `METHOD /path` of the document whose path has a parameter. */
const ROUTES = Object.entries(document.paths)
  .filter(([path]) => path.includes('{'))
  .flatMap(([path, operations]) =>
    (Object.keys(operations) as Method[]).map((method) => `${method.toUpperCase()} ${path.replace(PREFIX, '')}`),
  )
  .sort();

const fill = (path: string, params: PathParams) =>
  path.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in params)) throw new Error(`the maker for ${path} gave no "${key}"`);
    return encodeURIComponent(String(params[key]));
  });

describe('tenant isolation, route by route', () => {
  let t: TestApp;
  let ctx: Context;
  let b: TestAccount;
  const call = (who: TestAccount, method: Method, path: string, body?: object) => {
    const req = t.http[method](`${PREFIX}${path}`).set('Authorization', who.auth);
    return body === undefined ? req : req.send(body);
  };
  beforeAll(async () => {
    // Webhook endpoints on loopback, so that account A can make one without a public address.
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    const a = await t.createAccount('Tenant A');
    b = await t.createAccount('Tenant B');
    ctx = { t, a, asA: (method, path, body) => call(a, method, path, body) };
  });
  afterAll(async () => t.close());

  it('has an entry for every route with an id or key in its path, and none for a route that is gone', () => {
    const missing = ROUTES.filter((route) => !(route in RESOURCES));
    const gone = Object.keys(RESOURCES).filter((route) => !ROUTES.includes(route));
    expect({ missing, gone }).toEqual({ missing: [], gone: [] });
  });

  it.each(ROUTES.filter((route) => !RESOURCES[route]?.notTenantData))(
    '%s answers account B 404 for account A’s resource',
    async (route) => {
      const resource = RESOURCES[route];
      if (!resource) {
        throw new Error(
          `${route} has no entry in RESOURCES (test/tenant-isolation.e2e-spec.ts): add one line saying how to make, in account A, what its path names`,
        );
      }
      const [methodName, path] = route.split(' ');
      const method = methodName.toLowerCase() as Method;
      const params = await resource.make(ctx);
      const url = fill(path, params);
      const res = await call(b, method, url, resource.body);
      if (resource.foreign) resource.foreign(res);
      else {
        expect([res.status, res.body]).toEqual([
          404,
          expect.objectContaining({ code: expect.stringMatching(/NotFound$/) }),
        ]);
      }
      // B's call changed nothing: A still reads the resource (where a GET of the same path names the same thing).
      if (method !== 'get' && RESOURCES[`GET ${path}`]?.make === resource.make) {
        expect([`A reads ${url}`, (await call(ctx.a, 'get', url)).status]).toEqual([`A reads ${url}`, 200]);
      }
    },
  );
});
