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
    await asA('post', '/segment', { name: name('Segment'), details: '[{"field":"email","op":"isNotEmpty"}]' }),
    'a segment',
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
  'GET /segment/{id}': { make: segment },
  'DELETE /segment/{id}': { make: segment },
  'GET /segment/updatecache/{id}': { make: segment },
  'GET /segments/{id}': { make: segment },
  'PUT /segments/{id}': { make: segment, body: { name: 'Renommé', tree: { field: 'email', op: 'isNotEmpty' } } },
  'DELETE /segments/{id}': { make: segment },
  'GET /segments/{id}/count': { make: segment },
  'GET /segments/{id}/contacts': { make: segment },
  'GET /contacts/{id}/personal-data': { make: contactId },
  'POST /contacts/{id}/anonymise': { make: contactId },
  'GET /contacts/import/{id}': { make: operation('import') },
  'DELETE /contacts/import/{id}': { make: operation('import') },
  'GET /contacts/import/file/{fileName}': { make: operation('import') },
  'GET /contacts/purge/{id}': { make: operation('purge') },
  'DELETE /contacts/purge/{id}': { make: operation('purge') },
  'GET /contacts/purge/file/{fileName}': { make: operation('purge') },
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
    t = await startTestApp();
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
