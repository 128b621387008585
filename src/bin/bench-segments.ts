/**
 * Segments benchmark (npm run bench:segments, needs DATABASE_URL on a scratch database). Builds an account of
 * BENCH_CONTACTS contacts (default 1,000,000; bulk-loaded with one INSERT … SELECT, custom fields of each format,
 * groups), VACUUM ANALYZEs, then times over BENCH_RUNS runs the count and the first page of 100 of a fixed
 * suite of trees through the API, and the scan floor (a count no index serves) straight on PostgreSQL. Prints
 * p50/p95 per tree, each as a ratio to the floor, and EXPLAIN of a few trees.
 */
import { Client } from 'pg';
import { FieldCatalogue } from '../modules/fields/field-catalogue';
import type { FieldRow, ValueRow } from '../modules/fields/fields.repository';
import { compileCriteria, CriteriaNode } from '../modules/segments/criteria';
import { DEFAULT_SEGMENTS } from '../modules/segments/default-segments';
import { createAccount, startService } from './bench-service';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const ACCOUNT_NAME = 'bench segments';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function api<T>(base: string, auth: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/rest/v4${path}`, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Deterministic per-contact draws in SQL: a hash of the contact number and a salt, in [0, 1). */
const draw = (salt: number) => `((hashint8(i::bigint * 7919 + ${salt}) & 2147483647)::float8 / 2147483648)`;

async function seed(client: Client, accountId: string, ids: Record<string, number>, values: Record<string, number>) {
  const lastnames = [
    'Martin',
    'Bernard',
    'Thomas',
    'Petit',
    'Robert',
    'Richard',
    'Durand',
    'Dubois',
    'Moreau',
    'Laurent',
    'Simon',
    'Michel',
    'Lefebvre',
    'Leroy',
    'Roux',
    'David',
    'Bertrand',
    'Morel',
    'Fournier',
    'Girard',
    'Bonnet',
    'Dupont',
    'Lambert',
    'Fontaine',
    'Rousseau',
    'Vincent',
    'Muller',
    'Lefevre',
    'Faure',
    'Andre',
    'Mercier',
    'Blanc',
    'Guerin',
    'Boyer',
    'Garnier',
    'Chevalier',
    'Francois',
    'Legrand',
    'Gauthier',
    'Garcia',
    'Perrin',
    'Robin',
    'Clement',
    'Morin',
    'Nicolas',
    'Henry',
    'Roussel',
    'Mathieu',
    'Gautier',
    'Masson',
  ];
  const sizes = [values.S, values.M, values.L, values.XL];
  const interests = [values.Perle, values.Diamant, values.Agathe, values.Rubis, values.Saphir];
  await client.query(
    `INSERT INTO contact (account_id, unique_key, email, email_optin, email_status, mobile, mobile_optin, mobile_status,
       firstname, lastname, zipcode, city, birthdate, last_engaged_at, created_at, updated_at, fields)
     SELECT $1, e.email, e.email,
       CASE WHEN e.email IS NULL THEN NULL WHEN ${draw(2)} < 0.80 THEN 'yes' WHEN ${draw(2)} < 0.93 THEN 'no'
            WHEN ${draw(2)} < 0.97 THEN 'orange' ELSE 'blocklist' END,
       CASE WHEN ${draw(3)} < 0.55 THEN 'valid' WHEN ${draw(3)} < 0.85 THEN 'unknown' WHEN ${draw(3)} < 0.89 THEN 'soft'
            WHEN ${draw(3)} < 0.91 THEN 'absent' WHEN ${draw(3)} < 0.93 THEN 'rejected' WHEN ${draw(3)} < 0.96 THEN 'badalias'
            WHEN ${draw(3)} < 0.98 THEN 'baddomain' ELSE 'badsyntax' END,
       m.mobile,
       CASE WHEN m.mobile IS NULL THEN NULL WHEN ${draw(5)} < 0.85 THEN 'yes' ELSE 'no' END,
       CASE WHEN ${draw(6)} < 0.6 THEN 'valid' WHEN ${draw(6)} < 0.9 THEN 'unknown' WHEN ${draw(6)} < 0.95 THEN 'error'
            WHEN ${draw(6)} < 0.98 THEN 'badnumber' ELSE 'badformat' END,
       'Prénom ' || (i % 997),
       ($3::text[])[1 + floor(${draw(7)} * 50)::int],
       lpad((1 + floor(${draw(8)} * 95))::int::text, 2, '0') || lpad(floor(${draw(9)} * 1000)::int::text, 3, '0'),
       'Ville ' || floor(${draw(10)} * 3000)::int,
       CASE WHEN ${draw(11)} < 0.7 THEN date '1950-01-01' + floor(${draw(12)} * 20000)::int END,
       CASE WHEN ${draw(13)} < 0.45 THEN now() - floor(${draw(14)} * 720) * interval '1 day' END,
       now() - floor(${draw(15)} * 1100) * interval '1 day' - floor(${draw(16)} * 86400) * interval '1 second',
       now(),
       jsonb_strip_nulls(jsonb_build_object(
         $4::text, CASE WHEN ${draw(17)} < 0.6 THEN 'Texte ' || floor(${draw(18)} * 500)::int END,
         $5::text, CASE WHEN ${draw(19)} < 0.7 THEN floor(${draw(20)} * 1000)::int END,
         $6::text, CASE WHEN ${draw(21)} < 0.6 THEN to_char(current_date - floor(${draw(22)} * 1060)::int, 'YYYY-MM-DD') END,
         $7::text, CASE WHEN ${draw(23)} < 0.75 THEN ($9::bigint[])[1 + floor(${draw(24)} * 4)::int] END,
         $8::text, CASE WHEN ${draw(25)} < 0.5 THEN (
           SELECT jsonb_agg(v) FROM unnest($10::bigint[]) WITH ORDINALITY AS u(v, n) WHERE ${draw(26)} * 5 < n * 1.4 + 0 AND (hashint4(i + n::int * 131) & 1) = 0
         ) END))
     FROM generate_series(1, $2::int) AS i,
       LATERAL (SELECT CASE WHEN ${draw(1)} < 0.92 THEN 'c' || i || '@bench.example' END AS email) e,
       LATERAL (SELECT CASE WHEN ${draw(4)} < 0.5 THEN '+336' || lpad(i::text, 8, '0') END AS mobile) m`,
    [accountId, CONTACTS, lastnames, ids.ville, ids.score, ids.achat, ids.taille, ids.centres, sizes, interests],
  );
}

interface Timed {
  name: string;
  count: number;
  countTimes: number[];
  pageTimes: number[];
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('bench:segments needs DATABASE_URL (a scratch PostgreSQL database)\n');
    process.exit(2);
  }
  const { child, base } = await startService(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const removed = await client.query('DELETE FROM account WHERE name LIKE $1', [`${ACCOUNT_NAME}%`]);
    if (removed.rowCount) console.log(`removed ${removed.rowCount} earlier bench account(s)`);
    const account = await createAccount(base, ACCOUNT_NAME);
    const call = <T>(method: string, path: string, body?: unknown) => api<T>(base, account.auth, method, path, body);

    const field = async (name: string, format: string) =>
      (await call<{ id: number }>('POST', '/account/contactattribute', { name, format })).id;
    const ids = {
      ville: await field('Ville natale', 'ShortText'),
      score: await field('Score', 'Number'),
      achat: await field('Dernier achat', 'DateTime'),
      taille: await field('Taille', 'SingleSelection'),
      centres: await field("Centres d'intérêt", 'MultipleSelection'),
    };
    const values: Record<string, number> = {};
    for (const text of ['S', 'M', 'L', 'XL']) {
      values[text] = (await call<{ id: number }>('POST', `/account/contactattribute/value/${ids.taille}`, { text })).id;
    }
    for (const text of ['Perle', 'Diamant', 'Agathe', 'Rubis', 'Saphir']) {
      values[text] = (
        await call<{ id: number }>('POST', `/account/contactattribute/value/${ids.centres}`, { text })
      ).id;
    }
    const groupA = (await call<{ id: number }>('POST', '/groups', { name: 'Clients fidèles' })).id;
    const groupB = (await call<{ id: number }>('POST', '/groups', { name: 'Salon 2026' })).id;

    let started = performance.now();
    await seed(client, account.id, ids, values);
    await client.query(
      `INSERT INTO group_member (group_id, contact_id, account_id)
       SELECT CASE WHEN id % 10 = 0 THEN $2::bigint ELSE $3::bigint END, id, account_id FROM contact
        WHERE account_id = $1 AND (id % 10 = 0 OR id % 97 = 1)`,
      [account.id, groupA, groupB],
    );
    console.log(
      `${CONTACTS} contacts and their groups written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    started = performance.now();
    await client.query('VACUUM ANALYZE contact');
    await client.query('VACUUM ANALYZE group_member');
    console.log(`VACUUM ANALYZE in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const paris = (
      await call<{ id: number }>('POST', '/segments', {
        name: 'Paris et petite couronne',
        tree: { any: ['75', '92', '93', '94'].map((value) => ({ field: 'zipcode', op: 'startsWith', value })) },
      })
    ).id;

    const trees: [string, CriteriaNode][] = [
      ...DEFAULT_SEGMENTS.map((s): [string, CriteriaNode] => [`default ${s.id} ${s.name}`, { inSegment: s.id }]),
      ['text prefix: zipcode startsWith 75', { field: 'zipcode', op: 'startsWith', value: '75' }],
      [
        'date range: creationdate 2025 H1',
        { field: 'creationdate', op: 'between', values: ['2025-01-01', '2025-06-30'] },
      ],
      ['custom date inLastDays 90', { field: String(ids.achat), op: 'inLastDays', value: 90 }],
      [
        'multi hasAny [Perle, Rubis]',
        { field: String(ids.centres), op: 'hasAny', values: [values.Perle, values.Rubis] },
      ],
      ['single equals M', { field: String(ids.taille), op: 'equals', value: 'M' }],
      ['number between 100 and 200', { field: String(ids.score), op: 'between', values: [100, 200] }],
      ['inGroup (10 %)', { inGroup: groupA }],
      ['not inSegment Paris', { not: { inSegment: paris } }],
      [
        'nested, 5 criteria (subscribed, Paris area, score > 500)',
        {
          all: [
            { field: 'emailoptin', op: 'equals', value: 'yes' },
            { field: 'emailstatus', op: 'notEquals', value: 'hard' },
            {
              any: [
                { field: 'zipcode', op: 'startsWith', value: '75' },
                { field: 'zipcode', op: 'startsWith', value: '92' },
              ],
            },
            { field: String(ids.score), op: 'greaterThan', value: 500 },
          ],
        },
      ],
      [
        'nested, 6 criteria (OR of ANDs)',
        {
          any: [
            {
              all: [
                { field: String(ids.taille), op: 'equals', value: 'XL' },
                { field: 'birthdate', op: 'anniversaryInNextDays', value: 30 },
              ],
            },
            {
              all: [
                { field: 'activity', op: 'equals', value: 'active' },
                { field: String(ids.centres), op: 'hasAll', values: ['Perle', 'Diamant'] },
              ],
            },
            { all: [{ field: 'lastname', op: 'startsWith', value: 'mart' }, { inGroup: groupB }] },
          ],
        },
      ],
      [
        'nested, 4 criteria with not',
        {
          all: [
            { inSegment: 9 },
            { not: { inGroup: groupA } },
            { field: 'mobilestatus', op: 'notEquals', value: 'soft' },
            { field: 'creationdate', op: 'inLastDays', value: 365 },
          ],
        },
      ],
    ];

    // The floor: a count of the account's contacts through a predicate no index serves (the whole heap is read).
    const floorSql = `SELECT count(*) FROM contact c WHERE c.account_id = $1 AND (c.comments IS NULL OR c.comments <> '')`;
    const floorTimes: number[] = [];
    await client.query(floorSql, [account.id]);
    const timed: Timed[] = trees.map(([name]) => ({ name, count: 0, countTimes: [], pageTimes: [] }));
    // Warm-up pass, then RUNS passes; the floor is timed in each pass so it sees the same cache state as the trees.
    for (let run = -1; run < RUNS; run++) {
      const floorStart = performance.now();
      await client.query(floorSql, [account.id]);
      if (run >= 0) floorTimes.push(performance.now() - floorStart);
      for (const [index, [, tree]] of trees.entries()) {
        let t0 = performance.now();
        const { count } = await call<{ count: number }>('POST', '/contacts/search/count', { tree });
        const countMs = performance.now() - t0;
        t0 = performance.now();
        await call('POST', '/contacts/search', { tree, limit: 100 });
        const pageMs = performance.now() - t0;
        if (run >= 0) {
          timed[index].countTimes.push(countMs);
          timed[index].pageTimes.push(pageMs);
        }
        timed[index].count = count;
      }
    }

    const floor50 = quantile(
      [...floorTimes].sort((a, b) => a - b),
      0.5,
    );
    const floor95 = quantile(
      [...floorTimes].sort((a, b) => a - b),
      0.95,
    );
    console.log(
      `\nscan floor (count(*) through an unindexed predicate): p50 ${floor50.toFixed(0)} ms, p95 ${floor95.toFixed(0)} ms`,
    );
    console.log(
      `${RUNS} runs per tree, through the API (count: POST /contacts/search/count; page: POST /contacts/search, limit 100)\n`,
    );
    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (n: number, w = 7) => n.toFixed(0).padStart(w);
    console.log(`${pad('tree', 58)} ${'count'.padStart(8)}  count p50  p95   ×floor   page p50  p95`);
    const ratios: number[] = [];
    for (const t of timed) {
      const c = [...t.countTimes].sort((a, b) => a - b);
      const p = [...t.pageTimes].sort((a, b) => a - b);
      const ratio = quantile(c, 0.5) / floor50;
      ratios.push(ratio);
      console.log(
        `${pad(t.name.slice(0, 58), 58)} ${String(t.count).padStart(8)} ${num(quantile(c, 0.5), 9)} ${num(quantile(c, 0.95), 5)} ${ratio.toFixed(2).padStart(7)} ${num(quantile(p, 0.5), 9)} ${num(quantile(p, 0.95), 5)}`,
      );
    }
    const sortedRatios = [...ratios].sort((a, b) => a - b);
    console.log(
      `\nsuite: median count ${quantile(sortedRatios, 0.5).toFixed(2)} × floor, worst ${sortedRatios.at(-1)!.toFixed(2)} × floor; ` +
        `worst first page p50 ${Math.max(
          ...timed.map((t) =>
            quantile(
              [...t.pageTimes].sort((a, b) => a - b),
              0.5,
            ),
          ),
        ).toFixed(0)} ms`,
    );

    // Live membership: a contact written by the API is counted on the very next read.
    const live: CriteriaNode = { all: [{ field: 'zipcode', op: 'equals', value: '00000' }] };
    const before = (await call<{ count: number }>('POST', '/contacts/search/count', { tree: live })).count;
    await call('POST', '/contact/attribute', {
      contactKey: 'live@bench.example',
      attributes: [{ fieldName: 'zipcode', fieldValue: '00000' }],
    });
    const after = (await call<{ count: number }>('POST', '/contacts/search/count', { tree: live })).count;
    console.log(
      `live membership: count ${before} → ${after} right after one API write (${after === before + 1 ? 'ok' : 'WRONG'})`,
    );

    // EXPLAIN of a few trees, compiled as the service compiles them.
    const catalogue = new FieldCatalogue(
      (
        await client.query<FieldRow>(
          'SELECT id, name, description, format, options, created_at AS "createdAt" FROM custom_field WHERE account_id = $1',
          [account.id],
        )
      ).rows.map((r) => ({ ...r, id: Number(r.id) })),
      (
        await client.query<ValueRow>(
          'SELECT id, field_id AS "fieldId", text, position, created_at AS "createdAt" FROM field_value WHERE account_id = $1',
          [account.id],
        )
      ).rows.map((r) => ({ ...r, id: Number(r.id), fieldId: Number(r.fieldId) })),
    );
    const saved = await client.query<{ id: string; name: string; tree: CriteriaNode }>(
      'SELECT id, name, tree FROM segment WHERE account_id = $1',
      [account.id],
    );
    const context = {
      catalogue,
      segments: new Map(saved.rows.map((r) => [Number(r.id), { name: r.name, tree: r.tree }])),
      groups: new Set([groupA, groupB]),
      imports: new Set<number>(),
      timezone: 'Europe/Paris',
      activityDays: 180,
      now: new Date(),
    };
    const explained = (process.env.BENCH_EXPLAIN ?? 'default 5|text prefix|multi hasAny|inGroup|nested, 5').split('|');
    for (const [name, tree] of trees.filter(([n]) => explained.some((e) => n.startsWith(e.trim())))) {
      const compiled = compileCriteria(tree, context, { alias: 'c', firstParam: 2 });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
      for (const [label, sql] of [
        ['count', `SELECT count(*) FROM contact c WHERE c.account_id = $1 AND ${compiled.sql}`],
        [
          'page',
          `SELECT c.* FROM contact c WHERE c.account_id = $1 AND c.id > 0 AND ${compiled.sql} ORDER BY c.id LIMIT 100`,
        ],
      ]) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, [
          account.id,
          ...compiled.params,
        ]);
        console.log(`\nEXPLAIN ${label}: ${name}\n${plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
      }
    }
  } finally {
    await client.end();
    child.kill('SIGTERM');
  }
}

void main();
