/**
 * `npm run bench:import`: measures an import against the floor of a raw COPY, on the PostgreSQL at
 * DATABASE_URL. Generates (once) a deterministic 1,000,000-row, 10-column semicolon CSV and a 100,000-row
 * workbook in bench-data/, then: (a) COPY into a bare table with a unique index on lower(email); (b) the
 * same file through POST /contacts/import/add on a service started as a child process, until done; (c) the
 * same file again (all updates); (d) the workbook; (e) the two parsing libraries an import cannot skip, alone on
 * one thread: the file through the CSV reader (csv-parse), and its mobile and phone cells through `readPhone`
 * (libphonenumber-js). Prints times, rows/s, ratios, the CPU (b) and (c) used (by the service, and by the
 * whole machine: PostgreSQL too when it runs here) and the service's peak RSS.
 * Environment: BENCH_ROWS (default 1000000), BENCH_XLSX_ROWS (default 100000; 0 skips (d)), BENCH_NODE_ARGS
 * (extra node flags for the service, e.g. `--cpu-prof`).
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, openAsBlob, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import * as XLSX from '@e965/xlsx';
import { readPhone } from '../common/phone';
import { readDelimitedRows } from '../modules/imports/reading/delimited-reader';
import { cpuNow, cpuSince, createAccount, describeCpu, peakRss, random, ROOT, startService } from './bench-service';

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
 * Seconds to read the file with the import's CSV reader, then to read it again passing its mobile and phone
 * cells through `readPhone` as the import does; the difference is libphonenumber-js's share.
 */
async function libraryFloor(csv: string): Promise<{ reading: number; phones: number; cells: number }> {
  const mobile = MATCHINGS.indexOf('mobile');
  const phone = MATCHINGS.indexOf('phone');
  let started = performance.now();
  let rows = 0;
  for await (const row of readDelimitedRows(csv)) {
    if (row.cells.length !== MATCHINGS.length) throw new Error(`line ${row.line} has ${row.cells.length} cells`);
    rows++;
  }
  if (rows !== ROWS + 1) throw new Error(`read ${rows} records, expected ${ROWS + 1}`);
  const reading = (performance.now() - started) / 1000;
  let cells = 0;
  started = performance.now();
  for await (const row of readDelimitedRows(csv)) {
    if (row.line === 1) continue;
    readPhone(row.cells[mobile], 'FR');
    readPhone(row.cells[phone], 'FR', { lineType: false });
    cells += 2;
  }
  return { reading, phones: (performance.now() - started) / 1000 - reading, cells };
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
    const { auth } = await createAccount(base, 'bench import');

    let cpu = cpuNow(child.pid!);
    const first = await importFile(base, auth, csv, 'contacts.csv');
    const firstCpu = cpuSince(child.pid!, cpu);
    console.log(
      `(b) import through POST /contacts/import/add: ${first.seconds.toFixed(1)} s, ${Math.round(ROWS / first.seconds)} rows/s, ` +
        `ratio (b)/(a) ${(first.seconds / floor).toFixed(2)}; ${JSON.stringify(first.body)}`,
    );
    console.log(`    ${describeCpu(firstCpu, ROWS, 'row')}`);
    console.log(`    service peak RSS so far: ${peakRss(child.pid!).toFixed(0)} MB`);
    cpu = cpuNow(child.pid!);
    const again = await importFile(base, auth, csv, 'contacts.csv');
    const againCpu = cpuSince(child.pid!, cpu);
    console.log(
      `(c) re-import of the same file (all matched): ${again.seconds.toFixed(1)} s, ratio to (b) ${(again.seconds / first.seconds).toFixed(2)}; ` +
        `LineUpdate ${String(again.body.LineUpdate)}`,
    );
    console.log(`    ${describeCpu(againCpu, ROWS, 'row')}`);
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
    `(e) the parsing libraries alone, one thread: csv-parse reading ${libraries.reading.toFixed(1)} s, ` +
      `libphonenumber-js for ${libraries.cells} phone cells ${libraries.phones.toFixed(1)} s; ` +
      `${libraryCpu.toFixed(1)} s of CPU = ${(libraryCpu / floor).toFixed(2)} × (a), ` +
      `${(libraryCpu / 2 / floor).toFixed(2)} × (a) ` +
      `if spread over two cores, before any other check or write`,
  );
}

void main();
