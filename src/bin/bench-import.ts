/**
 * `npm run bench:import`: measures an import against the floor of a raw COPY, on the PostgreSQL at
 * DATABASE_URL. Generates (once) a deterministic 1,000,000-row, 10-column semicolon CSV and a 100,000-row
 * workbook in bench-data/, then: (a) COPY into a bare table with a unique index on lower(email); (b) the
 * same file through POST /contacts/import/add on a service started as a child process, until done; (f) the floor
 * of Carnet's own writes: the rows (b) stored (contacts, their history, their memberships) COPY'd into the
 * project's real tables, with all their indexes and constraints, on a fresh migrated database; (c) the same file
 * again (all matched, nothing changed); (d) the workbook; (e) the two parsing libraries an import cannot skip,
 * alone on one thread: the file through the CSV reader (csv-parse), and its mobile and phone cells through
 * `readPhone` (the metadata fast path), then through libphonenumber-js's parser alone. Prints times, rows/s,
 * ratios, the CPU (b), (c) and (f) used (by the service, by the PostgreSQL backends of the database, and by the
 * whole machine) and the service's peak RSS.
 * Environment: BENCH_ROWS (default 1000000), BENCH_XLSX_ROWS (default 100000; 0 skips (d)), BENCH_NODE_ARGS
 * (extra node flags for the service, e.g. `--cpu-prof`).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import * as XLSX from '@e965/xlsx';
import { readPhone, readPhoneWithParser } from '../common/phone';
import { readDelimitedRows } from '../modules/imports/reading/delimited-reader';
import {
  cpuNow,
  cpuSince,
  createAccount,
  describeCpu,
  peakRss,
  PostgresCpu,
  random,
  ROOT,
  startService,
  type CpuReading,
} from './bench-service';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const XLSX_ROWS = Number(process.env.BENCH_XLSX_ROWS ?? 100_000);
const DATA = join(ROOT, 'bench-data');
const HEADER = [
  'Prénom',
  'Nom',
  'Email',
  'Mobile',
  'Adresse',
  'Code postal',
  'Ville',
  'Téléphone',
  'Date de naissance',
  'Groupes',
];
const MATCHINGS = [
  'firstname',
  'lastname',
  'email',
  'mobile',
  'address1',
  'zipcode',
  'city',
  'phone',
  'birthdate',
  'groups',
];

const FIRST = ['Jean', 'Marie', 'Luc', 'Zoé', 'Hélène', 'François', 'Agnès', 'Noël', 'Paul', 'Léa', 'Hugo', 'Chloé'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];
const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nice', 'Nantes', 'Lille', 'Rennes', 'Bordeaux', 'Dijon'];
const DOMAINS = ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'yahoo.fr', 'hotmail.fr', 'sfr.fr'];
const GROUPS = ['clients', 'prospects', 'vip', 'newsletter', 'salon 2025'];

function row(i: number, next: () => number): string[] {
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const mobile = `06${String(10_000_000 + ((i * 7919) % 89_999_999)).padStart(8, '0')}`;
  const day = 1 + Math.floor(next() * 28);
  const month = 1 + Math.floor(next() * 12);
  return [
    pick(FIRST),
    pick(LAST),
    `contact${i}@${pick(DOMAINS)}`,
    mobile,
    `${1 + Math.floor(next() * 200)} rue de la République`,
    String(10000 + Math.floor(next() * 85000)),
    pick(CITIES),
    `01${String(Math.floor(next() * 100_000_000)).padStart(8, '0')}`,
    `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${1950 + Math.floor(next() * 55)}`,
    next() < 0.5 ? pick(GROUPS) : '',
  ];
}

async function generateCsv(path: string): Promise<void> {
  if (existsSync(path)) return;
  const next = random(42);
  const out = createWriteStream(path);
  out.write(`${HEADER.join(';')}\n`);
  for (let i = 1; i <= ROWS; i++) {
    if (!out.write(`${row(i, next).join(';')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

function generateWorkbook(path: string): void {
  if (existsSync(path)) return;
  const next = random(7);
  const rows = [HEADER];
  for (let i = 1; i <= XLSX_ROWS; i++) rows.push(row(i, next));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Contacts');
  XLSX.writeFile(book, path);
}

async function copyFloor(url: string, csv: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_copy_floor');
    await client.query(`CREATE TABLE bench_copy_floor (${MATCHINGS.map((m) => `"${m}" text`).join(', ')})`);
    await client.query('CREATE UNIQUE INDEX bench_copy_floor_email ON bench_copy_floor (lower(email))');
    const started = performance.now();
    await pipeline(
      createReadStream(csv),
      client.query(copyFrom(`COPY bench_copy_floor FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)`)),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP TABLE bench_copy_floor');
    return seconds;
  } finally {
    await client.end();
  }
}

/**
 * What the import stored, and in what order the floor writes it: the parents the rows point to (copied untimed),
 * then the three tables an import writes, each with the columns the import itself writes.
 */
const PARENTS = [
  ['account', (account: string) => `SELECT * FROM account WHERE id = '${account}'`],
  ['import_operation', (account: string) => `SELECT * FROM import_operation WHERE account_id = '${account}'`],
  ['contact_group', (account: string) => `SELECT * FROM contact_group WHERE account_id = '${account}'`],
] as const;
const WRITES = [
  ['contact', undefined, 'ORDER BY id'],
  [
    'contact_history',
    ['account_id', 'contact_id', 'type', 'object', 'title', 'source', 'operation_id', 'happened_at'],
    'ORDER BY id',
  ],
  ['group_member', ['group_id', 'contact_id', 'account_id'], 'ORDER BY contact_id, group_id'],
] as const;

async function copyOut(client: Client, query: string, path: string): Promise<void> {
  await pipeline(client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv)`)), createWriteStream(path));
}

async function copyIn(client: Client, table: string, columns: readonly string[] | undefined, path: string) {
  const list = columns ? ` (${columns.map((c) => `"${c}"`).join(', ')})` : '';
  await pipeline(createReadStream(path), client.query(copyFrom(`COPY ${table}${list} FROM STDIN WITH (FORMAT csv)`)));
}

/** Writes the account's stored rows to files under `directory`; how many of each table. */
async function dumpImport(url: string, account: string, directory: string): Promise<Record<string, number>> {
  if (!/^[0-9a-f-]{36}$/.test(account)) throw new Error(`not an account id: ${account}`);
  mkdirSync(directory, { recursive: true });
  const client = new Client({ connectionString: url });
  await client.connect();
  const counts: Record<string, number> = {};
  try {
    for (const [table, query] of PARENTS) await copyOut(client, query(account), join(directory, `${table}.csv`));
    for (const [table, columns, order] of WRITES) {
      const list = columns ? columns.map((c) => `"${c}"`).join(', ') : '*';
      await copyOut(
        client,
        `SELECT ${list} FROM ${table} WHERE account_id = '${account}' ${order}`,
        join(directory, `${table}.csv`),
      );
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE account_id = $1`, [
        account,
      ]);
      counts[table] = Number(rows[0].n);
    }
  } finally {
    await client.end();
  }
  return counts;
}

interface WritesFloor {
  seconds: Record<string, number>;
  total: number;
  /** CPU seconds of the floor database's PostgreSQL backends (undefined when PostgreSQL runs elsewhere). */
  postgres: number | undefined;
  machine: number;
}

/**
 * (f): a fresh database migrated like production, the parents copied in, then each table the import writes
 * COPY'd from the dump, timed one by one: Carnet's own writes with nothing else around them.
 */
async function writesFloor(url: string, directory: string): Promise<WritesFloor> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const floorUrl = new URL(url);
  const name = `${floorUrl.pathname.slice(1)}_floor`;
  floorUrl.pathname = `/${name}`;
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    execFileSync(process.execPath, [join(ROOT, 'dist', 'src', 'bin', 'migrate.js')], {
      env: {
        ...process.env,
        DATABASE_URL: floorUrl.toString(),
        SECRET_KEY: process.env.SECRET_KEY ?? 'bench-secret-key-0123456789abcdef0123456789',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const client = new Client({ connectionString: floorUrl.toString() });
    await client.connect();
    try {
      for (const [table] of PARENTS) await copyIn(client, table, undefined, join(directory, `${table}.csv`));
      await client.query('CHECKPOINT');
      const postgres = await PostgresCpu.start(floorUrl.toString());
      const machine = cpuNow(process.pid);
      const seconds: Record<string, number> = {};
      const started = performance.now();
      for (const [table, columns] of WRITES) {
        const before = performance.now();
        await copyIn(client, table, columns, join(directory, `${table}.csv`));
        seconds[table] = (performance.now() - before) / 1000;
      }
      const total = (performance.now() - started) / 1000;
      return { seconds, total, postgres: await postgres?.stop(), machine: cpuSince(process.pid, machine).machine };
    } finally {
      await client.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

/** The CPU line of an import, with its PostgreSQL backends' share when known. */
function describeImportCpu(used: CpuReading, postgres: number | undefined): string {
  const line = describeCpu(used, ROWS, 'row');
  if (postgres === undefined) return line;
  return `${line}; PostgreSQL backends of this database ${postgres.toFixed(1)} s (${((postgres / ROWS) * 1e6).toFixed(1)} µs/row)`;
}

/** CPU seconds of this process (all its threads) since `from` (`process.cpuUsage()`): steadier than wall time on a busy machine. */
const cpuSecondsSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};

/**
 * CPU seconds to read the file with the import's CSV reader, then to pass its mobile and phone cells through
 * `readPhone` as the import does (the metadata fast path), then through libphonenumber-js's parser alone (the
 * first `PARSER_CELLS` cells: it is the slow one).
 */
const PARSER_CELLS = 400_000;
async function libraryFloor(
  csv: string,
): Promise<{ reading: number; phones: number; cells: number; parser: number; parserCells: number }> {
  const mobile = MATCHINGS.indexOf('mobile');
  const phone = MATCHINGS.indexOf('phone');
  let started = process.cpuUsage();
  let rows = 0;
  for await (const row of readDelimitedRows(csv)) {
    if (row.cells.length !== MATCHINGS.length) throw new Error(`line ${row.line} has ${row.cells.length} cells`);
    rows++;
  }
  if (rows !== ROWS + 1) throw new Error(`read ${rows} records, expected ${ROWS + 1}`);
  const reading = cpuSecondsSince(started);
  const cells: string[] = [];
  for await (const row of readDelimitedRows(csv)) if (row.line > 1) cells.push(row.cells[mobile], row.cells[phone]);
  started = process.cpuUsage();
  for (let i = 0; i < cells.length; i += 2) {
    readPhone(cells[i], 'FR');
    readPhone(cells[i + 1], 'FR', { lineType: false });
  }
  const phones = cpuSecondsSince(started);
  const parserCells = Math.min(cells.length, PARSER_CELLS);
  started = process.cpuUsage();
  for (let i = 0; i < parserCells; i += 2) {
    readPhoneWithParser(cells[i], 'FR');
    readPhoneWithParser(cells[i + 1], 'FR', { lineType: false });
  }
  return { reading, phones, cells: cells.length, parser: cpuSecondsSince(started), parserCells };
}

async function importFile(
  base: string,
  auth: string,
  path: string,
  name: string,
): Promise<{ seconds: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.set('matchings', JSON.stringify(MATCHINGS));
  form.set('file', await openAsBlob(path), name);
  const started = performance.now();
  const created = await fetch(`${base}/api/rest/v4/contacts/import/add`, {
    method: 'POST',
    headers: { Authorization: auth },
    body: form,
  });
  const operation = (await created.json()) as { Id: number };
  if (!created.ok) throw new Error(`import refused: ${JSON.stringify(operation)}`);
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const body = (await (
      await fetch(`${base}/api/rest/v4/contacts/import/${operation.Id}`, { headers: { Authorization: auth } })
    ).json()) as Record<string, unknown>;
    if (['done', 'failed', 'cancelled'].includes(body.Status as string)) {
      return { seconds: (performance.now() - started) / 1000, body };
    }
  }
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('bench:import needs DATABASE_URL (a real PostgreSQL: the figures are about it)\n');
    process.exit(2);
  }
  mkdirSync(DATA, { recursive: true });
  const csv = join(DATA, `contacts-${ROWS}.csv`);
  const workbook = join(DATA, `contacts-${XLSX_ROWS}.xlsx`);
  await generateCsv(csv);
  if (XLSX_ROWS > 0) generateWorkbook(workbook);
  console.log(`file: ${csv} (${ROWS} rows, ${(statSync(csv).size / 1e6).toFixed(1)} MB)`);

  const floor = await copyFloor(url, csv);
  console.log(
    `(a) COPY into a bare table with unique lower(email): ${floor.toFixed(1)} s, ${Math.round(ROWS / floor)} rows/s`,
  );

  const { child, base } = await startService(url);
  try {
    const { auth, id: account } = await createAccount(base, 'bench import');

    let postgres = await PostgresCpu.start(url);
    let cpu = cpuNow(child.pid!);
    const first = await importFile(base, auth, csv, 'contacts.csv');
    const firstCpu = cpuSince(child.pid!, cpu);
    const firstPostgres = await postgres?.stop();
    console.log(
      `(b) import through POST /contacts/import/add: ${first.seconds.toFixed(1)} s, ${Math.round(ROWS / first.seconds)} rows/s, ` +
        `ratio (b)/(a) ${(first.seconds / floor).toFixed(2)}; ${JSON.stringify(first.body)}`,
    );
    console.log(`    ${describeImportCpu(firstCpu, firstPostgres)}`);
    console.log(`    service peak RSS so far: ${peakRss(child.pid!).toFixed(0)} MB`);

    const dump = join(DATA, 'floor');
    const counts = await dumpImport(url, account, dump);
    const writes = await writesFloor(url, dump);
    rmSync(dump, { recursive: true, force: true });
    console.log(
      `(f) the floor of Carnet's own writes, COPY into a fresh migrated database: ${writes.total.toFixed(1)} s ` +
        `(${WRITES.map(([table]) => `${table} ${counts[table]} rows ${writes.seconds[table].toFixed(1)} s`).join(', ')}); ` +
        `(b)/(f) ${(first.seconds / writes.total).toFixed(2)}, (f)/(a) ${(writes.total / floor).toFixed(2)}`,
    );
    console.log(
      `    CPU: ${writes.postgres === undefined ? '' : `PostgreSQL backends ${writes.postgres.toFixed(1)} s (${((writes.postgres / ROWS) * 1e6).toFixed(1)} µs/row), `}` +
        `machine busy ${writes.machine.toFixed(1)} s (${((writes.machine / ROWS) * 1e6).toFixed(1)} µs/row)`,
    );

    postgres = await PostgresCpu.start(url);
    cpu = cpuNow(child.pid!);
    const again = await importFile(base, auth, csv, 'contacts.csv');
    const againCpu = cpuSince(child.pid!, cpu);
    const againPostgres = await postgres?.stop();
    console.log(
      `(c) re-import of the same file (all matched): ${again.seconds.toFixed(1)} s, ratio to (b) ${(again.seconds / first.seconds).toFixed(2)}; ` +
        `LineUpdate ${String(again.body.LineUpdate)}`,
    );
    console.log(`    ${describeImportCpu(againCpu, againPostgres)}`);
    console.log(`    service peak RSS so far: ${peakRss(child.pid!).toFixed(0)} MB`);
    if (XLSX_ROWS > 0) {
      const sheet = await importFile(base, auth, workbook, 'contacts.xlsx');
      console.log(
        `(d) ${XLSX_ROWS}-row XLSX import: ${sheet.seconds.toFixed(1)} s, ${Math.round(XLSX_ROWS / sheet.seconds)} rows/s; ${JSON.stringify(sheet.body)}`,
      );
    }
    console.log(`service peak RSS over the whole run: ${peakRss(child.pid!).toFixed(0)} MB`);
  } finally {
    child.kill('SIGTERM');
  }
  const libraries = await libraryFloor(csv);
  const libraryCpu = libraries.reading + libraries.phones;
  console.log(
    `(e) the parsing libraries alone, one thread, CPU time: csv-parse reading ${libraries.reading.toFixed(1)} s, ` +
      `readPhone for ${libraries.cells} phone cells ${libraries.phones.toFixed(1)} s ` +
      `(libphonenumber-js's parser alone: ${((libraries.parser / libraries.parserCells) * libraries.cells).toFixed(1)} s); ` +
      `${libraryCpu.toFixed(1)} s of CPU = ${(libraryCpu / floor).toFixed(2)} × (a), ` +
      `${(libraryCpu / 2 / floor).toFixed(2)} × (a) ` +
      `if spread over two cores, before any other check or write`,
  );
  const perNumber = (seconds: number, cells: number) => `${((seconds / cells) * 1e6).toFixed(2)} µs`;
  console.log(
    `    phone numbers: readPhone (metadata fast path) ${perNumber(libraries.phones, libraries.cells)} per number, ` +
      `libphonenumber-js's parser alone ${perNumber(libraries.parser, libraries.parserCells)} per number ` +
      `(first ${libraries.parserCells} cells)`,
  );
}

void main();
