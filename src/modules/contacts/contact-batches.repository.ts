import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { copyRows } from '../../database/copy-rows';
import type { Database } from '../../database/database';
import { DATABASE } from '../../database/database.module';
import { BUILTIN_FIELDS } from '../fields/builtin-fields';
import type { ContactRow } from './contact-attributes';
import { DELIVERABILITY_COLUMNS, type DeliverabilityLookup } from './contact-deliverability';
import { deleteContactsStatement, type HistoryEntry } from './contacts.repository';

/** PostgreSQL array type of every writable built-in column, for `unnest`. */
const COLUMN_TYPES = new Map<string, string>(
  BUILTIN_FIELDS.filter((f) => !f.readOnly).map((f) => [
    f.column,
    f.format === 'Date'
      ? 'date'
      : f.format === 'DateTime'
        ? 'timestamptz'
        : f.format === 'Boolean'
          ? 'boolean'
          : 'text',
  ]),
);

export interface NewContact {
  id: number;
  uniqueKey: string | null;
  columns: Record<string, unknown>;
  fields: Record<string, unknown>;
}

export interface ContactChange {
  id: number;
  /** The row version read; the change applies only if it still holds. */
  version: string;
  columns: Record<string, unknown>;
  fields: Record<string, unknown>;
}

/** A row of `lockDeliverability`: a probed value, how many contacts hold it, and one of them when locked. */
export type ProbedRow = Partial<ContactRow> & { probed_kind: 0 | 1 | 2; probed: string; holders?: number };

/** A contact's changed deliverability columns (of `DELIVERABILITY_COLUMNS`), its id, and whether it counts as modified. */
export interface DeliverabilityWrite {
  id: number;
  modified: boolean;
  [column: string]: unknown;
}

const quoted = (column: string) => `"${column}"`;

/**
 * The account's contacts whose `column` holds one of the values of array parameter `$param`, with `select`,
 * each row locked as it is found if asked: one index probe per value (OFFSET 0, or the lock, keeps each probe
 * apart). Given thousands of values, `= ANY(…)` lets the planner scan the whole account instead, a second
 * per batch at a million contacts.
 */
function probe(column: string, param: number, select: string, lock = false, outer = 'c.*'): string {
  return `SELECT ${outer} FROM unnest($${param}::text[]) AS k(value)
    CROSS JOIN LATERAL (
      SELECT ${select} FROM contact WHERE account_id = $1 AND ${column} = k.value ${lock ? 'FOR UPDATE' : 'OFFSET 0'}
    ) c`;
}

/** The rows of the contacts with the ids `idsQuery` returns, locked in id order so concurrent batches cannot deadlock. */
function lockedInIdOrder(idsQuery: string, select: string): string {
  return `SELECT c.* FROM (SELECT DISTINCT id FROM (${idsQuery}) found ORDER BY id) ids
    CROSS JOIN LATERAL (SELECT ${select} FROM contact WHERE account_id = $1 AND id = ids.id FOR UPDATE) c`;
}

function columnsOf(rows: { columns: Record<string, unknown> }[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row.columns)) if (COLUMN_TYPES.has(name)) names.add(name);
  return [...names];
}

/** Set-based reads and writes of many contacts at once (imports, purges, events): one statement per batch. */
@Injectable()
export class ContactBatchesRepository {
  /** Whether rows can be written with COPY (real PostgreSQL; the embedded server's socket cannot carry it). */
  readonly canCopy: boolean;

  constructor(@Inject(DATABASE) database: Database) {
    this.canCopy = !database.embedded;
  }

  /**
   * The contacts holding `keys`, unlocked, each with its row version (`xmin`): a batch changes a row only if
   * that version still holds, so unchanged rows, the bulk of a re-import, cost no lock and no write.
   */
  findByKeys(
    em: EntityManager,
    accountId: string,
    keys: string[],
    columns: string[],
    withFields: boolean,
  ): Promise<(ContactRow & { row_version: string })[]> {
    if (keys.length === 0) return Promise.resolve([]);
    // Only what the batch compares: parsing whole rows is a large part of a re-import's cost.
    const wanted = columns.filter((c) => COLUMN_TYPES.has(c)).map(quoted);
    return em.query(
      probe(
        'unique_key',
        2,
        `id, unique_key, created_by_import_id, updated_by_import_id, xmin::text AS row_version,
         ${withFields ? 'fields' : `'{}'::jsonb AS fields`}${wanted.map((c) => `, ${c}`).join('')}`,
      ),
      [accountId, [...keys].sort()],
    );
  }

  /** The contacts holding `keys`, locked in id order so concurrent batches cannot deadlock. */
  lockByKeys(em: EntityManager, accountId: string, keys: string[]): Promise<ContactRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return em.query(lockedInIdOrder(probe('unique_key', 2, 'id'), '*'), [accountId, keys]);
  }

  /** Reserves ids so each new row's id is known before it is written (memberships, history). */
  async reserveIds(em: EntityManager, count: number): Promise<number[]> {
    if (count === 0) return [];
    const [{ ids }]: { ids: string }[] = await em.query(
      // The sequence named once: pg_get_serial_sequence per row cost more than the 20,000 nextval calls. One text
      // value back, not one row per id.
      `SELECT string_agg(nextval('contact_id_seq')::text, ',') AS ids FROM generate_series(1, $1)`,
      [count],
    );
    return ids.split(',').map(Number);
  }

  /** Inserts new contacts; returns the ids actually written (a key taken meanwhile is skipped). */
  async insertMany(
    em: EntityManager,
    accountId: string,
    operationId: number,
    rows: NewContact[],
  ): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    if (this.canCopy) {
      // COPY has no ON CONFLICT: when a key was taken since the batch was read, fall back to the INSERT.
      await em.query('SAVEPOINT contact_copy');
      try {
        await this.copyMany(em, accountId, operationId, rows);
        await em.query('RELEASE SAVEPOINT contact_copy');
        return new Set(rows.map((r) => r.id));
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        await em.query('ROLLBACK TO SAVEPOINT contact_copy');
      }
    }
    return this.insertWithConflicts(em, accountId, operationId, rows);
  }

  private async copyMany(em: EntityManager, accountId: string, operationId: number, rows: NewContact[]): Promise<void> {
    const names = columnsOf(rows);
    await copyRows(
      em,
      'contact',
      ['id', 'account_id', 'unique_key', 'fields', 'created_by_import_id', 'updated_by_import_id', ...names],
      rows.map((r) => [
        r.id,
        accountId,
        r.uniqueKey,
        JSON.stringify(r.fields),
        operationId,
        operationId,
        ...names.map((n) => r.columns[n] ?? null),
      ]),
    );
  }

  private async insertWithConflicts(
    em: EntityManager,
    accountId: string,
    operationId: number,
    rows: NewContact[],
  ): Promise<Set<number>> {
    const names = columnsOf(rows);
    const params: unknown[] = [
      accountId,
      operationId,
      rows.map((r) => r.id),
      rows.map((r) => r.uniqueKey),
      rows.map((r) => JSON.stringify(r.fields)),
      ...names.map((n) => rows.map((r) => r.columns[n] ?? null)),
    ];
    const arrays = names.map((n, i) => `$${i + 6}::${COLUMN_TYPES.get(n)}[]`).join(', ');
    const inserted: { id: number }[] = await em.query(
      `INSERT INTO contact (id, account_id, unique_key, fields, created_by_import_id, updated_by_import_id${names.map((n) => `, ${quoted(n)}`).join('')})
       OVERRIDING SYSTEM VALUE
       SELECT u.id, $1, u.unique_key, u.fields::jsonb, $2, $2${names.map((n) => `, u.${quoted(n)}`).join('')}
       FROM unnest($3::bigint[], $4::text[], $5::text[]${arrays ? `, ${arrays}` : ''})
         AS u(id, unique_key, fields${names.map((n) => `, ${quoted(n)}`).join('')})
       ON CONFLICT (account_id, unique_key) DO NOTHING RETURNING id`,
      params,
    );
    return new Set(inserted.map((r) => Number(r.id)));
  }

  /**
   * Applies changes: a given column replaces the stored one, custom values merge over the stored ones. Returns
   * how many rows still had the version read (the others changed meanwhile and were left alone).
   */
  async updateMany(em: EntityManager, accountId: string, operationId: number, rows: ContactChange[]): Promise<number> {
    if (rows.length === 0) return 0;
    const names = columnsOf(rows);
    // A null in the arrays below means "not in this row": keep what is stored.
    const params: unknown[] = [
      accountId,
      operationId,
      rows.map((r) => r.id),
      rows.map((r) => JSON.stringify(r.fields)),
      rows.map((r) => r.version),
      ...names.map((n) => rows.map((r) => (n in r.columns ? r.columns[n] : null))),
      ...names.map((n) => rows.map((r) => n in r.columns)),
    ];
    const arrays = names.map((n, i) => `$${i + 6}::${COLUMN_TYPES.get(n)}[]`);
    const given = names.map((_, i) => `$${i + 6 + names.length}::boolean[]`);
    const [, count] = await em.query<[unknown, number]>(
      `UPDATE contact c SET fields = c.fields || u.fields::jsonb, updated_at = now(), updated_by_import_id = $2
       ${names.map((n) => `, ${quoted(n)} = CASE WHEN u."given_${n}" THEN u.${quoted(n)} ELSE c.${quoted(n)} END`).join('')}
       FROM unnest($3::bigint[], $4::text[], $5::text[]${arrays.map((a) => `, ${a}`).join('')}${given.map((g) => `, ${g}`).join('')})
         AS u(id, fields, version${names.map((n) => `, ${quoted(n)}`).join('')}${names.map((n) => `, "given_${n}"`).join('')})
       WHERE c.account_id = $1 AND c.id = u.id AND c.xmin::text = u.version`,
      params,
    );
    return count;
  }

  async hasSuppressions(em: EntityManager, accountId: string): Promise<boolean> {
    const rows: unknown[] = await em.query('SELECT 1 FROM suppression WHERE account_id = $1 LIMIT 1', [accountId]);
    return rows.length > 0;
  }

  /**
   * Memberships of contacts this transaction created (each pair once): by COPY where it can, nothing to conflict
   * with.
   */
  async addNewMemberships(em: EntityManager, accountId: string, pairs: { groupId: number; contactId: number }[]) {
    if (!this.canCopy) return this.addMemberships(em, accountId, pairs);
    await copyRows(
      em,
      'group_member',
      ['group_id', 'contact_id', 'account_id'],
      pairs.map((p) => [p.groupId, p.contactId, accountId]),
    );
  }

  async addMemberships(em: EntityManager, accountId: string, pairs: { groupId: number; contactId: number }[]) {
    if (pairs.length === 0) return;
    await em.query(
      `INSERT INTO group_member (group_id, contact_id, account_id)
       SELECT g, c, $1 FROM unnest($2::bigint[], $3::bigint[]) AS u(g, c) ON CONFLICT DO NOTHING`,
      [accountId, pairs.map((p) => p.groupId), pairs.map((p) => p.contactId)],
    );
  }

  /**
   * The contacts holding any of these keys, emails or mobiles, with their deliverability, each locked as its
   * value is probed; each row names the value probed (`probed_kind`: 0 key, 1 email, 2 mobile; `probed`), so
   * a contact named by two values comes twice.
   * - `wait`: values are probed in sorted order, kind after kind, so concurrent batches lock in the same order;
   *   batches naming contacts by different kinds can still deadlock, and the caller retries.
   * - `skip-busy`: never waits; a contact another transaction holds is left out. Each row also says how many
   *   contacts hold its value (`holders`), so the caller tells a value whose contacts are all locked here from
   *   one some of whose contacts are busy elsewhere. A value nobody holds comes once, without contact columns.
   */
  async lockDeliverability(
    em: EntityManager,
    accountId: string,
    lookup: DeliverabilityLookup,
    locking: 'wait' | 'skip-busy',
  ): Promise<ProbedRow[]> {
    const lookups = (
      [
        ['unique_key', lookup.keys, 0],
        ['email', lookup.emails, 1],
        ['mobile', lookup.mobiles, 2],
      ] as const
    ).filter(([, values]) => values.length > 0);
    if (lookups.length === 0) return [];
    const select = `id${DELIVERABILITY_COLUMNS.map(([name]) => `, ${quoted(name)}`).join('')}`;
    if (locking === 'wait') {
      return em.query(
        lookups
          .map(([column, , kind], i) =>
            probe(column, i + 2, select, true, `${kind} AS probed_kind, k.value AS probed, c.*`),
          )
          .join(' UNION ALL '),
        [accountId, ...lookups.map(([, values]) => [...values].sort())],
      );
    }
    // Ten thousand index probes are estimated above the JIT threshold; compiling them costs more than it saves.
    await em.query('SET LOCAL jit = off');
    return em.query(
      lookups
        .map(
          ([column, , kind], i) => `SELECT ${kind} AS probed_kind, k.value AS probed, n.holders, c.*
            FROM unnest($${i + 2}::text[]) AS k(value)
            CROSS JOIN LATERAL (
              SELECT count(*)::int AS holders FROM contact WHERE account_id = $1 AND ${column} = k.value
            ) n
            LEFT JOIN LATERAL (
              SELECT ${select} FROM contact WHERE account_id = $1 AND ${column} = k.value FOR UPDATE SKIP LOCKED
            ) c ON true`,
        )
        .join(' UNION ALL '),
      [accountId, ...lookups.map(([, values]) => values)],
    );
  }

  /**
   * Stores the deliverability columns events changed; `modified` contacts also get a new modification date.
   * Each row names only its changed columns: events never set a column to null, so a missing one keeps its
   * value. The rows go as one JSON parameter: JSON.stringify is native, where sixteen arrays of ten thousand
   * values would be serialised value by value in JavaScript (and the garbage collector would pay for it again).
   */
  async saveDeliverability(em: EntityManager, accountId: string, rows: DeliverabilityWrite[]): Promise<void> {
    if (rows.length === 0) return;
    await em.query(
      `UPDATE contact c SET updated_at = CASE WHEN u.modified THEN now() ELSE c.updated_at END
       ${DELIVERABILITY_COLUMNS.map(([name]) => `, ${quoted(name)} = COALESCE(u.${quoted(name)}, c.${quoted(name)})`).join('')}
       FROM json_to_recordset($2::json)
         AS u(id bigint, modified boolean${DELIVERABILITY_COLUMNS.map(([name, type]) => `, ${quoted(name)} ${type}`).join('')})
       WHERE c.account_id = $1 AND c.id = u.id`,
      [accountId, JSON.stringify(rows)],
    );
  }

  async deleteMany(em: EntityManager, accountId: string, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await em.query(deleteContactsStatement('id = ANY($2::bigint[])'), [accountId, ids]);
  }

  /** History rows by COPY; callers check `canCopy` and otherwise use ContactsRepository.addHistory. */
  async copyHistory(em: EntityManager, accountId: string, entries: HistoryEntry[]): Promise<void> {
    await copyRows(
      em,
      'contact_history',
      ['account_id', 'contact_id', 'type', 'object', 'title', 'source', 'operation_id', 'happened_at'],
      entries.map((e) => [
        accountId,
        e.contactId,
        e.type,
        e.object,
        e.title,
        e.source,
        e.operationId ?? null,
        e.happenedAt ?? new Date(),
      ]),
    );
  }
}
