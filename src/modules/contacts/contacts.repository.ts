import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ContactRow } from './contact-attributes';
import { LEGACY_HASH_VERSION, SUPPRESSION_HASH_VERSION } from './suppression-hash';

export interface HistoryEntry {
  contactId: number;
  type: string;
  object: string;
  title: string;
  source: string;
  operationId?: number | null;
  happenedAt?: Date;
}

export interface HistoryRow {
  id: number;
  type: string;
  object: string;
  title: string;
  source: string;
  operationId: number | null;
  happenedAt: Date;
  loggedAt: Date;
}

export interface SuppressionRow {
  channel: 'email' | 'sms';
  optIn: string | null;
  status: string | null;
  reason: string | null;
}

export type StoredSuppression = SuppressionRow & { hash: string; updatedAt: Date };

export interface ContactFilters {
  email?: string;
  mobile?: string;
  groupId?: number;
  updatedSince?: Date;
  afterId?: number;
  limit: number;
}

const column = (name: string) => `"${name.replace(/"/g, '')}"`;

/**
 * Deletes the account's contacts whose `condition` holds (parameters from $2) with their history, in one
 * statement: history has no foreign key to cascade from, for the sake of bulk writes.
 */
/** History entries Carnet writes from field and group names only: nothing personal in them. */
const OWN_HISTORY_TYPES = "'creation', 'update', 'group', 'anonymisation'";

export function deleteContactsStatement(condition: string): string {
  return `WITH gone AS (DELETE FROM contact WHERE account_id = $1 AND ${condition} RETURNING id)
    DELETE FROM contact_history h USING gone WHERE h.account_id = $1 AND h.contact_id = gone.id`;
}

@Injectable()
export class ContactsRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findByKey(accountId: string, uniqueKey: string, em: EntityManager = this.db.manager, lock = false) {
    const rows: ContactRow[] = await em.query(
      `SELECT * FROM contact WHERE account_id = $1 AND unique_key = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [accountId, uniqueKey],
    );
    return rows[0];
  }

  /** The contact keyed by this value and the duplicates sharing it (their `keyColumn` holds it), oldest first. */
  findAllByKey(accountId: string, keyColumn: 'email' | 'mobile', uniqueKey: string): Promise<ContactRow[]> {
    return this.db.query(
      `SELECT * FROM contact WHERE account_id = $1 AND (unique_key = $2 OR ${column(keyColumn)} = $2) ORDER BY id`,
      [accountId, uniqueKey],
    );
  }

  async findById(accountId: string, id: number, em: EntityManager = this.db.manager, lock = false) {
    const rows: ContactRow[] = await em.query(
      `SELECT * FROM contact WHERE account_id = $1 AND id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [accountId, id],
    );
    return rows[0];
  }

  async insert(
    em: EntityManager,
    accountId: string,
    uniqueKey: string | null,
    columns: Record<string, unknown>,
    fields: Record<string, unknown>,
  ): Promise<ContactRow> {
    const names = Object.keys(columns);
    const placeholders = names.map((_, i) => `$${i + 4}`);
    const rows: ContactRow[] = await em.query(
      `INSERT INTO contact (account_id, unique_key, fields${names.map((n) => `, ${column(n)}`).join('')})
       VALUES ($1, $2, jsonb_strip_nulls($3::jsonb)${placeholders.map((p) => `, ${p}`).join('')}) RETURNING *`,
      [accountId, uniqueKey, JSON.stringify(fields), ...names.map((n) => columns[n])],
    );
    return rows[0];
  }

  /** One UPDATE … RETURNING: built-in columns replaced, custom values merged (null removes one). */
  async update(
    em: EntityManager,
    accountId: string,
    id: number,
    uniqueKey: string | null,
    columns: Record<string, unknown>,
    fields: Record<string, unknown>,
  ): Promise<ContactRow> {
    const names = Object.keys(columns);
    const assignments = names.map((n, i) => `, ${column(n)} = $${i + 5}`).join('');
    const [rows] = await em.query<[ContactRow[], number]>(
      `UPDATE contact SET unique_key = $3, fields = jsonb_strip_nulls(fields || $4::jsonb), updated_at = now()${assignments}
       WHERE account_id = $1 AND id = $2 RETURNING *`,
      [accountId, id, uniqueKey, JSON.stringify(fields), ...names.map((n) => columns[n])],
    );
    return rows[0];
  }

  async delete(em: EntityManager, accountId: string, id: number): Promise<void> {
    await em.query(deleteContactsStatement('id = $2'), [accountId, id]);
  }

  /** Blanks every personal column and custom value; the row stays so counts and history ids hold. */
  async anonymise(em: EntityManager, accountId: string, id: number, personalColumns: string[]): Promise<void> {
    await em.query(
      `UPDATE contact SET unique_key = NULL, fields = '{}'::jsonb, anonymised_at = now(), updated_at = now()
       ${personalColumns.map((c) => `, ${column(c)} = NULL`).join('')} WHERE account_id = $1 AND id = $2`,
      [accountId, id],
    );
    await em.query('DELETE FROM group_member WHERE account_id = $1 AND contact_id = $2', [accountId, id]);
  }

  async list(accountId: string, filters: ContactFilters): Promise<ContactRow[]> {
    const where = ['c.account_id = $1', 'c.id > $2'];
    const params: unknown[] = [accountId, filters.afterId ?? 0];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filters.email !== undefined) add('c.email = ?', filters.email);
    if (filters.mobile !== undefined) add('c.mobile = ?', filters.mobile);
    if (filters.updatedSince !== undefined) add('c.updated_at >= ?', filters.updatedSince);
    if (filters.groupId !== undefined) {
      add(
        'EXISTS (SELECT 1 FROM group_member m WHERE m.account_id = c.account_id AND m.contact_id = c.id AND m.group_id = ?)',
        filters.groupId,
      );
    }
    params.push(filters.limit);
    return this.db.query(
      `SELECT c.* FROM contact c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Anonymisation: the contact's history keeps what happened and when, not the texts that came from outside. An
   * event's title keeps its kind ("Email hard bounce") and loses the server's reply after it, which often quotes the
   * address; Carnet's own entries (creation, update, group, anonymisation) name fields and groups only and stay;
   * any other entry (activity a client reported) loses its title and object.
   */
  async scrubHistory(em: EntityManager, accountId: string, contactId: number): Promise<void> {
    await em.query(
      `UPDATE contact_history SET
         title = CASE WHEN type = 'event' THEN split_part(title, ': ', 1)
                      WHEN type IN (${OWN_HISTORY_TYPES}) THEN title ELSE 'Text erased on request' END,
         object = CASE WHEN type IN ('event', ${OWN_HISTORY_TYPES}) THEN object ELSE '' END
       WHERE account_id = $1 AND contact_id = $2`,
      [accountId, contactId],
    );
  }

  async addHistory(em: EntityManager, accountId: string, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await em.query(
      `INSERT INTO contact_history (account_id, contact_id, type, object, title, source, operation_id, happened_at)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::timestamptz[])`,
      [
        accountId,
        entries.map((e) => e.contactId),
        entries.map((e) => e.type),
        entries.map((e) => e.object),
        entries.map((e) => e.title),
        entries.map((e) => e.source),
        entries.map((e) => e.operationId ?? null),
        entries.map((e) => e.happenedAt ?? new Date()),
      ],
    );
  }

  listHistory(accountId: string, contactId: number, size: number): Promise<HistoryRow[]> {
    return this.db.query(
      `SELECT id, type, object, title, source, operation_id AS "operationId", happened_at AS "happenedAt",
              logged_at AS "loggedAt"
       FROM contact_history WHERE account_id = $1 AND contact_id = $2 ORDER BY id DESC LIMIT $3`,
      [accountId, contactId, size],
    );
  }

  async countHistory(accountId: string, contactId: number): Promise<number> {
    const rows: { count: number }[] = await this.db.query(
      'SELECT count(*)::int AS count FROM contact_history WHERE account_id = $1 AND contact_id = $2',
      [accountId, contactId],
    );
    return rows[0].count;
  }

  /** The suppression records of these hashed addresses, by channel. */
  async findSuppressions(
    em: EntityManager,
    accountId: string,
    hashes: { channel: string; hash: string }[],
  ): Promise<StoredSuppression[]> {
    if (hashes.length === 0) return [];
    return em.query<StoredSuppression[]>(
      `SELECT channel, key_hash AS hash, opt_in AS "optIn", status, reason, updated_at AS "updatedAt" FROM suppression
       WHERE account_id = $1 AND (channel, key_hash) IN (SELECT * FROM unnest($2::text[], $3::text[]))
       ORDER BY channel`,
      [accountId, hashes.map((h) => h.channel), hashes.map((h) => h.hash)],
    );
  }

  /** Writes or refreshes suppression records, in one statement (one per address when several are given). */
  async upsertSuppressions(em: EntityManager, accountId: string, entries: (SuppressionRow & { hash: string })[]) {
    if (entries.length === 0) return;
    await em.query(
      `INSERT INTO suppression (account_id, channel, key_hash, hash_version, opt_in, status, reason)
       SELECT DISTINCT ON (channel, key_hash) $1, channel, key_hash, ${SUPPRESSION_HASH_VERSION}, opt_in, status, reason
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(channel, key_hash, opt_in, status, reason)
       ON CONFLICT (account_id, channel, key_hash) DO UPDATE
         SET opt_in = EXCLUDED.opt_in, status = EXCLUDED.status, reason = EXCLUDED.reason, updated_at = now()`,
      [
        accountId,
        entries.map((e) => e.channel),
        entries.map((e) => e.hash),
        entries.map((e) => e.optIn),
        entries.map((e) => e.status),
        entries.map((e) => e.reason),
      ],
    );
  }

  /**
   * Re-keys up to `limit` records still holding the unkeyed hash (version 1) with `rekey`, in one statement; answers
   * how many it re-keyed (0: none is left). A row another instance re-keyed meanwhile is left alone.
   */
  async rekeyLegacySuppressions(rekey: (legacyHash: string) => string, limit: number): Promise<number> {
    return this.db.transaction(async (em) => {
      const rows: { accountId: string; channel: string; hash: string }[] = await em.query(
        `SELECT account_id AS "accountId", channel, key_hash AS hash FROM suppression
         WHERE hash_version = ${LEGACY_HASH_VERSION} LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await em.query(
        `UPDATE suppression s SET key_hash = u.rekeyed, hash_version = ${SUPPRESSION_HASH_VERSION}
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(account_id, channel, legacy, rekeyed)
         WHERE s.account_id = u.account_id AND s.channel = u.channel AND s.key_hash = u.legacy
           AND s.hash_version = ${LEGACY_HASH_VERSION}`,
        [
          rows.map((r) => r.accountId),
          rows.map((r) => r.channel),
          rows.map((r) => r.hash),
          rows.map((r) => rekey(r.hash)),
        ],
      );
      return rows.length;
    });
  }

  /** Removes the suppression records of these hashed addresses, in one statement. */
  async deleteSuppressions(
    em: EntityManager,
    accountId: string,
    keys: { channel: string; hash: string }[],
  ): Promise<void> {
    if (keys.length === 0) return;
    await em.query(
      `DELETE FROM suppression
       WHERE account_id = $1 AND (channel, key_hash) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [accountId, keys.map((k) => k.channel), keys.map((k) => k.hash)],
    );
  }

  /** Re-keys every contact after the account's uniqueness key changes. Returns the values shared by several contacts. */
  async applyUniquenessKey(
    em: EntityManager,
    accountId: string,
    key: 'email' | 'mobile',
    allowDuplicates: boolean,
  ): Promise<string[]> {
    const shared: { value: string }[] = await em.query(
      `SELECT ${column(key)} AS value FROM contact WHERE account_id = $1 AND ${column(key)} IS NOT NULL
       GROUP BY 1 HAVING count(*) > 1 LIMIT 5`,
      [accountId],
    );
    if (shared.length > 0 && !allowDuplicates) return shared.map((s) => s.value);
    await em.query('UPDATE contact SET unique_key = NULL WHERE account_id = $1 AND unique_key IS NOT NULL', [
      accountId,
    ]);
    // The oldest contact of each value keeps the key; later copies stay as duplicates.
    await em.query(
      `UPDATE contact c SET unique_key = c.${column(key)} FROM (
         SELECT DISTINCT ON (${column(key)}) id FROM contact
         WHERE account_id = $1 AND ${column(key)} IS NOT NULL AND anonymised_at IS NULL ORDER BY ${column(key)}, id
       ) first WHERE c.account_id = $1 AND c.id = first.id`,
      [accountId],
    );
    return [];
  }
}
