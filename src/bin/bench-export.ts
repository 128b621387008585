/**
 * Exports benchmark (npm run bench:export, needs DATABASE_URL on a scratch database, e.g. carnet_exports_bench).
 * Builds an account of BENCH_CONTACTS contacts (default 1,000,000, bulk-loaded with one INSERT … SELECT), then, in
 * the same run:
 *   1. the floor: `COPY (SELECT <the 12 default columns, raw> … ORDER BY id) TO STDOUT` into a file;
 *   2. the CSV export of the 12 default fields through the API (POST to done), as a multiple of the floor;
 *   3. a segment export (a nested tree selecting ~30 %) and its own floor;
 *   4. an XLSX export of BENCH_XLSX_CONTACTS (default 200,000; 0 skips it), time and memory;
 * and the service's peak RSS (VmHWM) after each.
 */
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FieldCatalogue } from '../modules/fields/field-catalogue';
import { compileCriteria, type CriteriaNode } from '../modules/segments/criteria';
import { cpuNow, cpuSince, createAccount, describeCpu, peakRss, ROOT, startService } from './bench-service';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const XLSX_CONTACTS = Number(process.env.BENCH_XLSX_CONTACTS ?? 200_000);
const ACCOUNT_NAME = 'bench exports';
const OUT = join(ROOT, 'bench-data');

/** The 12 default fields' columns, as stored. */
const RAW_COLUMNS = [
  'firstname',
  'lastname',
  'companyname',
  'email',
  'email_optin',
  'email_status',
  'mobile',
  'mobile_optin',
  'mobile_status',
  'created_at',
  'updated_at',
  'last_engaged_at',
];

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function api<T>(base: string, auth: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/rest/v4${path}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A value as an SQL literal, to inline a compiled predicate's parameters into COPY (which takes none). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}

function inline(sql: string, params: unknown[], firstParam: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - firstParam]));
}

/** Deterministic per-contact draws in SQL: a hash of the contact number and a salt, in [0, 1). */
const draw = (salt: number) => `((hashint8(i::bigint * 7919 + ${salt}) & 2147483647)::float8 / 2147483648)`;

async function seed(client: Client, accountId: string): Promise<void> {
  await client.query(
    `INSERT INTO contact (account_id, unique_key, email, email_optin, email_status, mobile, mobile_optin, mobile_status,
       firstname, lastname, companyname, zipcode, last_engaged_at, created_at, updated_at)
     SELECT $1, 'c' || i || '@bench.example', 'c' || i || '@bench.example',
       CASE WHEN ${draw(2)} < 0.80 THEN 'yes' WHEN ${draw(2)} < 0.93 THEN 'no' WHEN ${draw(2)} < 0.97 THEN 'orange'
            ELSE 'blocklist' END,
       CASE WHEN ${draw(3)} < 0.55 THEN 'valid' WHEN ${draw(3)} < 0.85 THEN 'unknown' WHEN ${draw(3)} < 0.89 THEN 'soft'
            WHEN ${draw(3)} < 0.96 THEN 'badalias' ELSE 'baddomain' END,
       CASE WHEN ${draw(4)} < 0.5 THEN '+336' || lpad(i::text, 8, '0') END,
       CASE WHEN ${draw(4)} < 0.5 THEN (CASE WHEN ${draw(5)} < 0.85 THEN 'yes' ELSE 'no' END) END,
       CASE WHEN ${draw(6)} < 0.6 THEN 'valid' ELSE 'unknown' END,
       'Prénom ' || (i % 997), 'Nom ' || (i % 5003),
       CASE WHEN ${draw(7)} < 0.3 THEN 'Société ' || (i % 20011) WHEN ${draw(7)} < 0.31 THEN '=HYPERLINK("x")' END,
       lpad((1 + (i % 95))::text, 2, '0') || lpad((i % 1000)::text, 3, '0'),
       CASE WHEN ${draw(13)} < 0.45 THEN now() - floor(${draw(14)} * 720) * interval '1 day' END,
       now() - floor(${draw(15)} * 1100) * interval '1 day' - floor(${draw(16)} * 86400) * interval '1 second',
       now()
     FROM generate_series(1, $2::int) AS i`,
    [accountId, CONTACTS],
  );
}

/** COPY of the raw columns of the contacts `where` selects, into a file; answers ms and bytes. */
async function floor(client: Client, accountId: string, where: string, file: string) {
  const started = performance.now();
  const sql =
    `COPY (SELECT ${RAW_COLUMNS.map((c) => `c.${c}`).join(', ')} FROM contact c ` +
    `WHERE c.account_id = ${literal(accountId)} AND ${where} ORDER BY c.id) TO STDOUT`;
  await pipeline(client.query(copyTo(sql)), createWriteStream(join(OUT, file)));
  return { ms: performance.now() - started, bytes: statSync(join(OUT, file)).size };
}

interface Operation {
  Id: number;
  Status: string;
  TotalContact: number;
  FileSize: number | null;
  Failure: string | null;
}

/** Posts an export and polls it until it ends; answers the time from the POST to `done`. */
async function timedExport(call: <T>(m: string, p: string, b?: unknown) => Promise<T>, path: string, body: unknown) {
  const started = performance.now();
  const created = await call<Operation>('POST', path, body);
  for (;;) {
    const operation = await call<Operation>('GET', `/contacts/export/${created.Id}`);
    if (operation.Status === 'done') return { ms: performance.now() - started, operation };
    if (operation.Status !== 'pending' && operation.Status !== 'running') {
      throw new Error(`export ${created.Id} ended ${operation.Status}: ${operation.Failure}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('bench:export needs DATABASE_URL (a scratch PostgreSQL database)\n');
    process.exit(2);
  }
  mkdirSync(OUT, { recursive: true });
  const { child, base } = await startService(url);
  const pid = child.pid!;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const removed = await client.query('DELETE FROM account WHERE name LIKE $1', [`${ACCOUNT_NAME}%`]);
    if (removed.rowCount) console.log(`removed ${removed.rowCount} earlier bench account(s)`);
    const account = await createAccount(base, ACCOUNT_NAME);
    const call = <T>(method: string, path: string, body?: unknown) => api<T>(base, account.auth, method, path, body);

    const started = performance.now();
    await seed(client, account.id);
    await client.query('VACUUM ANALYZE contact');
    console.log(`${CONTACTS} contacts written and analysed in ${seconds(performance.now() - started)} s`);
    console.log(`service RSS after start: peak ${peakRss(pid).toFixed(0)} MB`);

    // Warm the cache the same way for both: one read of the table.
    await client.query('SELECT count(*) FROM contact WHERE account_id = $1', [account.id]);
    const whole = await floor(client, account.id, 'TRUE', 'export-floor.txt');
    let cpu = cpuNow(pid);
    const csv = await timedExport(call, '/contacts/export/add', { name: 'bench CSV', fields: [] });
    const csvCpu = cpuSince(pid, cpu);
    if (csv.operation.TotalContact !== CONTACTS) throw new Error(`TotalContact ${csv.operation.TotalContact}`);
    console.log(
      `floor COPY (12 raw columns, ${CONTACTS} rows): ${seconds(whole.ms)} s, ${(whole.bytes / 1e6).toFixed(0)} MB`,
    );
    console.log(
      `CSV export (12 default fields, ${CONTACTS} rows, POST to done): ${seconds(csv.ms)} s, ` +
        `${((csv.operation.FileSize ?? 0) / 1e6).toFixed(0)} MB = ${(csv.ms / whole.ms).toFixed(2)} × the floor`,
    );
    console.log(`  ${describeCpu(csvCpu, CONTACTS, 'row')}`);
    console.log(`  service peak RSS so far: ${peakRss(pid).toFixed(0)} MB`);

    // ~30 %: 29 of the 95 zip code prefixes, less the hard addresses, as a nested tree.
    const prefixes = Array.from({ length: 29 }, (_, i) => String(i + 1).padStart(2, '0'));
    const tree: CriteriaNode = {
      all: [
        { any: prefixes.map((value) => ({ field: 'zipcode', op: 'startsWith', value })) },
        {
          not: {
            any: [
              { field: 'emailstatus', op: 'equals', value: 'badalias' },
              { field: 'firstname', op: 'equals', value: 'Prénom 7' },
            ],
          },
        },
      ],
    };
    const segment = await call<{ id: number }>('POST', '/segments', { name: 'bench 30 %', tree });
    const compiled = compileCriteria(
      tree,
      {
        catalogue: new FieldCatalogue([], []),
        segments: new Map(),
        groups: new Set(),
        imports: new Set(),
        timezone: 'Europe/Paris',
        activityDays: 180,
        now: new Date(),
      },
      { alias: 'c', firstParam: 1 },
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const segmentFloor = await floor(client, account.id, inline(compiled.sql, compiled.params, 1), 'segment-floor.txt');
    cpu = cpuNow(pid);
    const segmentCsv = await timedExport(call, '/contacts/export/add', {
      name: 'bench segment',
      description: `segment:${segment.id}`,
      fields: [],
    });
    console.log(
      `segment floor COPY (${segmentCsv.operation.TotalContact} rows): ${seconds(segmentFloor.ms)} s; ` +
        `segment CSV export: ${seconds(segmentCsv.ms)} s = ${(segmentCsv.ms / segmentFloor.ms).toFixed(2)} × its floor`,
    );
    console.log(`  ${describeCpu(cpuSince(pid, cpu), segmentCsv.operation.TotalContact, 'row')}`);
    console.log(`  service peak RSS so far: ${peakRss(pid).toFixed(0)} MB`);

    if (XLSX_CONTACTS > 0) {
      // The first contacts by zip code prefix: i % 95 spreads them evenly, so n prefixes hold n/95 of the base.
      const count = Math.max(1, Math.round((XLSX_CONTACTS / CONTACTS) * 95));
      const xlsxTree: CriteriaNode = {
        any: Array.from({ length: count }, (_, i) => ({
          field: 'zipcode',
          op: 'startsWith',
          value: String(i + 1).padStart(2, '0'),
        })),
      };
      cpu = cpuNow(pid);
      const xlsx = await timedExport(call, '/exports', {
        name: 'bench XLSX',
        format: 'xlsx',
        source: { tree: xlsxTree },
      });
      console.log(
        `XLSX export (12 default fields, ${xlsx.operation.TotalContact} rows): ${seconds(xlsx.ms)} s, ` +
          `${((xlsx.operation.FileSize ?? 0) / 1e6).toFixed(0)} MB`,
      );
      console.log(`  ${describeCpu(cpuSince(pid, cpu), xlsx.operation.TotalContact, 'row')}`);
      console.log(`  service peak RSS so far: ${peakRss(pid).toFixed(0)} MB`);
    }
  } finally {
    await client.end();
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
