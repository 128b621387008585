import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { startTestApp, TestAccount, TestApp } from './harness';

/**
 * The v4 wire contract (test/fixtures/v4-contract.json, copied from V4-CONTRACT.md): every operation Carnet
 * serves is declared in the committed openapi.json with the contract's keys and types, and answers them through
 * the app when called as the public v4 client calls it; an operation not marked served is neither declared nor
 * answered (404), so one that starts answering must have its shape checked here first.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface ContractCall {
  phase: number;
  order?: number;
  params?: Record<string, string>;
  body?: Json;
  form?: Record<string, string>;
  file?: { name: string; content: string };
  save?: Record<string, string>;
  poll?: string;
  ignoredKeys?: string[];
}

interface ContractOperation {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body: string | null;
  answer: string;
  served: boolean;
  call: ContractCall;
}

interface Contract {
  basePath: string;
  models: Record<string, Record<string, string>>;
  operations: ContractOperation[];
}

interface Schema {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: Schema | boolean;
}

interface OpenApiOperation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

const contract = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'v4-contract.json'), 'utf8')) as Contract;
const openapi = JSON.parse(readFileSync(join(__dirname, '..', 'openapi', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
};

const MULTIPART = 'multipart: ';
const isModel = (type: string) => Object.hasOwn(contract.models, type);

function resolve(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    if (current.$ref) current = openapi.components.schemas[current.$ref.replace('#/components/schemas/', '')];
    else if (current.allOf?.length === 1 && !current.type) current = current.allOf[0];
    else return current;
  }
}

/** The declared operation, path parameters compared by position (Carnet may name them otherwise). */
function declared(op: Pick<ContractOperation, 'method' | 'path'>): OpenApiOperation | undefined {
  const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
  const wanted = shape(contract.basePath + op.path);
  const path = Object.keys(openapi.paths).find((p) => shape(p) === wanted);
  return path ? openapi.paths[path][op.method.toLowerCase()] : undefined;
}

const OPENAPI_TYPE: Record<string, string> = { int: 'integer', string: 'string' };

/**
 * What is wrong with `schema` as the declaration of contract type `type`. An answer must declare every key with
 * exactly that type, required; a request body must accept each key (or list it as ignored) with that type.
 */
function schemaProblems(
  where: string,
  schema: Schema | undefined,
  type: string,
  mode: 'answer' | 'request',
  ignored: readonly string[] = [],
  prefix = '',
): string[] {
  if (!schema) return [`${where}: not declared`];
  const resolved = resolve(schema);
  const accepts = (openApiType: string) =>
    resolved.type === openApiType ||
    (mode === 'request' && (resolved.oneOf ?? []).some((s) => resolve(s).type === openApiType));
  if (type.endsWith('[]')) {
    if (resolved.type !== 'array')
      return [`${where}: declared ${resolved.type ?? 'without a type'}, the contract says an array`];
    return schemaProblems(`${where}[]`, resolved.items, type.slice(0, -2), mode, ignored, prefix);
  }
  if (type === 'map<string,string>') {
    const values = typeof resolved.additionalProperties === 'object' ? resolved.additionalProperties : undefined;
    if (resolved.type !== 'object' || !values) return [`${where}: not declared as a map`];
    return schemaProblems(`${where}{}`, values, 'string', mode);
  }
  if (OPENAPI_TYPE[type]) {
    return accepts(OPENAPI_TYPE[type])
      ? []
      : [`${where}: declared ${resolved.type ?? JSON.stringify(resolved)}, the contract says ${type}`];
  }
  if (!isModel(type)) return [`${where}: the fixture names an unknown type ${type}`];
  if (resolved.type !== 'object' || !resolved.properties)
    return [`${where}: declared ${resolved.type}, the contract says a ${type} object`];
  return Object.entries(contract.models[type]).flatMap(([key, keyType]) => {
    const path = `${prefix}${key}`;
    if (mode === 'request' && ignored.includes(path)) return [];
    const property = resolved.properties![key];
    if (!property) return [`${where}: no key "${key}" (${type}.${key})`];
    const problems = schemaProblems(`${where}.${key}`, property, keyType, mode, ignored, `${path}.`);
    if (mode === 'answer' && !(resolved.required ?? []).includes(key)) problems.push(`${where}.${key}: not required`);
    return problems;
  });
}

/** What is wrong with an answer's value as contract type `type`; null is not a value of any type. */
function valueProblems(where: string, value: unknown, type: string): string[] {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return [`${where}: answered ${shown(value)}, the contract says an array`];
    if (value.length === 0 && isModel(type.slice(0, -2))) return [`${where}: answered an empty array, nothing checked`];
    return value.flatMap((item, index) => valueProblems(`${where}[${index}]`, item, type.slice(0, -2)));
  }
  if (type === 'int')
    return Number.isInteger(value) ? [] : [`${where}: answered ${shown(value)}, the contract says int`];
  if (type === 'string')
    return typeof value === 'string' ? [] : [`${where}: answered ${shown(value)}, the contract says string`];
  if (type === 'map<string,string>') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where}: not a map`];
    return Object.entries(value).flatMap(([k, v]) => valueProblems(`${where}.${k}`, v, 'string'));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${where}: answered ${shown(value)}, the contract says a ${type} object`];
  }
  const record = value as Record<string, unknown>;
  return Object.entries(contract.models[type]).flatMap(([key, keyType]) =>
    Object.hasOwn(record, key)
      ? valueProblems(`${where}.${key}`, record[key], keyType)
      : [`${where}: no key "${key}" (${type}.${key}) among ${Object.keys(record).join(', ')}`],
  );
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** The OpenAPI problems of a served operation: its path and method, its body, its answer. */
function declarationProblems(op: ContractOperation): string[] {
  const where = `${op.operation} (${op.method} ${op.path})`;
  const declaration = declared(op);
  if (!declaration) return [`${where}: not in openapi.json`];
  const problems: string[] = [];
  if (op.body?.startsWith(MULTIPART)) {
    const schema = declaration.requestBody?.content['multipart/form-data']?.schema;
    const properties = schema ? (resolve(schema).properties ?? {}) : {};
    for (const field of op.body.slice(MULTIPART.length).split(', ')) {
      if (!properties[field]) problems.push(`${where}: no multipart field "${field}"`);
    }
  } else if (op.body) {
    const schema = declaration.requestBody?.content['application/json']?.schema;
    problems.push(...schemaProblems(`${where} body`, schema, op.body, 'request', op.call.ignoredKeys));
  }
  const answered = Object.entries(declaration.responses).filter(([status]) => /^2\d\d$/.test(status));
  if (answered.length === 0) problems.push(`${where}: no 2xx answer declared`);
  else if (op.answer === 'zip') {
    if (!answered.some(([, r]) => r.content?.['application/zip'])) problems.push(`${where}: no application/zip answer`);
  } else if (op.answer !== 'string') {
    const schema = answered.map(([, r]) => r.content?.['application/json']?.schema).find(Boolean);
    problems.push(...schemaProblems(`${where} answer`, schema, op.answer, 'answer'));
  }
  return problems;
}

/** `$name` values saved from earlier answers: a whole `$name` keeps the value's type, inside text it is spelled out. */
function substitute(value: Json, saved: Map<string, Json>): Json {
  if (typeof value === 'string') {
    const whole = /^\$(\w+)$/.exec(value);
    if (whole) return saved.get(whole[1]) ?? 0;
    return value.replace(/\$(\w+)/g, (_, name: string) => spelled(saved.get(name) ?? 0));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, saved));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, saved)]));
  }
  return value;
}

const spelled = (value: Json): string => (typeof value === 'object' ? JSON.stringify(value) : String(value));

function dig(value: unknown, path: string): Json | undefined {
  let current = Array.isArray(value) ? value[0] : value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current as Json | undefined;
}

describe('v4 wire contract', () => {
  let t: TestApp;
  let account: TestAccount;

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Contract');
  });
  afterAll(async () => t.close());

  it('copies V4-CONTRACT.md: 44 operations, 12 models, every type named known', () => {
    expect(contract.operations).toHaveLength(44);
    expect(new Set(contract.operations.map((op) => op.operation)).size).toBe(44);
    expect(Object.keys(contract.models)).toHaveLength(12);
    const named = contract.operations.flatMap((op) => [
      op.answer,
      ...(op.body && !op.body.startsWith(MULTIPART) ? [op.body] : []),
    ]);
    for (const type of [...named, ...Object.values(contract.models).flatMap((m) => Object.values(m))]) {
      expect([
        type,
        isModel(type.replace(/\[\]$/, '')) || ['int', 'string', 'string[]', 'map<string,string>', 'zip'].includes(type),
      ]).toEqual([type, true]);
    }
  });

  it('declares every served operation in openapi.json with the contract keys and types, and no other one', () => {
    const problems = contract.operations.flatMap((op) =>
      op.served
        ? declarationProblems(op)
        : declared(op)
          ? [`${op.operation} (${op.method} ${op.path}) is in openapi.json but not marked served in the fixture`]
          : [],
    );
    expect(problems).toEqual([]);
  });

  it('answers every served operation with the contract keys and types, called as the v4 client calls it', async () => {
    const saved = new Map<string, Json>();
    const problems: string[] = [];
    const calls = [...contract.operations].sort(
      (a, b) => a.call.phase - b.call.phase || (a.call.order ?? 0) - (b.call.order ?? 0),
    );
    for (const op of calls) {
      const where = `${op.operation} (${op.method} ${op.path})`;
      const res = await send(op, saved);
      if (!op.served) {
        if (res.status !== 404) problems.push(`${where} answers ${res.status} but is not marked served in the fixture`);
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        problems.push(`${where}: answered ${res.status} ${JSON.stringify(res.body)}`);
        continue;
      }
      if (op.answer === 'zip') {
        if (!/^application\/zip/.test(res.headers['content-type'] ?? '')) problems.push(`${where}: not a zip`);
        if ((res.body as Buffer).subarray(0, 2).toString('latin1') !== 'PK') problems.push(`${where}: not a zip file`);
      } else if (op.answer !== 'string') {
        if (!/^application\/json/.test(res.headers['content-type'] ?? '')) problems.push(`${where}: not JSON`);
        problems.push(...valueProblems(`${where} answer`, res.body, op.answer));
      }
      for (const [name, path] of Object.entries(op.call.save ?? {})) {
        const value = dig(res.body, path);
        if (value === undefined) problems.push(`${where}: nothing at ${path} to save as $${name}`);
        else saved.set(name, value);
      }
      if (op.call.poll) {
        const final = await pollUntilFinished(spelled(substitute(op.call.poll, saved)));
        if (final !== 'done') problems.push(`${where}: the operation ended ${final}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers GET and DELETE sent with Content-Type: application/json and an empty body', async () => {
    const created = await t.http
      .post(`${contract.basePath}/contact/attribute`)
      .set('Authorization', account.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ contactKey: 'empty.body@example.com', attributes: [] }, null, 2));
    expect(created.status).toBe(201);
    const empty = (req: ReturnType<TestApp['http']['get']>) =>
      req
        .set('Authorization', account.auth)
        .set('Accept', 'application/json')
        .set('Content-Type', 'application/json')
        .send('');
    const read = await empty(t.http.get(`${contract.basePath}/contact/attribute/empty.body@example.com`));
    expect(read.status).toBe(200);
    expect(read.body).toEqual([expect.objectContaining({ contactKey: 'empty.body@example.com' })]);
    const gone = await empty(t.http.delete(`${contract.basePath}/contact/attribute/empty.body@example.com`));
    expect(gone.status).toBe(204);
    expect((await empty(t.http.get(`${contract.basePath}/contact/attribute/empty.body@example.com`))).status).toBe(404);
  });

  /** One call as the v4 client sends it: Basic auth, Accept, Content-Type: application/json even without a body. */
  function send(op: ContractOperation, saved: Map<string, Json>): Promise<Response> {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(spelled(substitute(op.call.params?.[name] ?? `$${name}`, saved))),
    );
    const url = `${contract.basePath}${path}`;
    const method = op.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    let req = t.http[method](url)
      .set('Authorization', account.auth)
      .set('Accept', op.answer === 'zip' ? 'application/zip' : 'application/json');
    if (op.answer === 'zip') {
      req = req.buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    }
    if (op.call.form) {
      for (const [name, value] of Object.entries(op.call.form)) req = req.field(name, value);
      return req.attach('file', Buffer.from(op.call.file!.content, 'utf8'), op.call.file!.name);
    }
    req = req.set('Content-Type', 'application/json');
    return op.call.body === undefined ? req : req.send(JSON.stringify(substitute(op.call.body, saved), null, 2));
  }

  async function pollUntilFinished(path: string): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const res = await t.http.get(`${contract.basePath}${path}`).set('Authorization', account.auth);
      const status = (res.body as { Status?: string }).Status;
      if (res.status !== 200) return `with ${res.status}`;
      if (status && ['done', 'failed', 'cancelled'].includes(status)) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return 'never';
  }
});
