import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SqlPredicate } from './criteria';

export interface SegmentRow {
  id: number;
  name: string;
  description: string;
  tree: unknown;
  mode: string;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, name, description, tree, mode, is_default AS "isDefault", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

@Injectable()
export class SegmentsRepository {
  constructor(private readonly db: DataSource) {}

  /** Default segments first, then the others by id. */
  list(accountId: string): Promise<SegmentRow[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM segment WHERE account_id = $1 ORDER BY is_default DESC, id`, [
      accountId,
    ]);
  }

  async find(accountId: string, id: number): Promise<SegmentRow | undefined> {
    const rows: SegmentRow[] = await this.db.query(`SELECT ${COLUMNS} FROM segment WHERE account_id = $1 AND id = $2`, [
      accountId,
      id,
    ]);
    return rows[0];
  }

  async insert(
    accountId: string,
    segment: { name: string; description: string; tree: unknown; mode: string },
  ): Promise<SegmentRow> {
    const rows: SegmentRow[] = await this.db.query(
      `INSERT INTO segment (account_id, name, description, tree, mode) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [accountId, segment.name, segment.description, JSON.stringify(segment.tree), segment.mode],
    );
    return rows[0];
  }

  async update(
    accountId: string,
    id: number,
    segment: { name: string; description: string; tree: unknown; mode: string },
  ): Promise<SegmentRow | undefined> {
    const [rows]: [SegmentRow[], number] = await this.db.query(
      `UPDATE segment SET name = $3, description = $4, tree = $5, mode = $6, updated_at = now()
       WHERE account_id = $1 AND id = $2 AND NOT is_default RETURNING ${COLUMNS}`,
      [accountId, id, segment.name, segment.description, JSON.stringify(segment.tree), segment.mode],
    );
    return rows[0];
  }

  async delete(accountId: string, id: number): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      'DELETE FROM segment WHERE account_id = $1 AND id = $2 AND NOT is_default',
      [accountId, id],
    );
    return count > 0;
  }

  async existingGroups(accountId: string, ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows: { id: number }[] = await this.db.query(
      'SELECT id FROM contact_group WHERE account_id = $1 AND id = ANY($2::bigint[])',
      [accountId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Imports still in the history, and older ones that contacts of the account still remember. */
  async existingImports(accountId: string, ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows: { id: number }[] = await this.db.query(
      `SELECT id FROM import_operation WHERE account_id = $1 AND kind = 'import' AND id = ANY($2::bigint[])
       UNION
       SELECT i AS id FROM unnest($2::bigint[]) AS i
        WHERE EXISTS (SELECT 1 FROM contact_history h
                       WHERE h.account_id = $1 AND h.source = 'import' AND h.operation_id = i)`,
      [accountId, ids],
    );
    return new Set(rows.map((r) => Number(r.id)));
  }

  /** Contacts of the account matching a predicate compiled with placeholders from $2. */
  async count(accountId: string, predicate: SqlPredicate): Promise<number> {
    const rows: { count: string }[] = await this.db.query(
      `SELECT count(*) AS count FROM contact c WHERE c.account_id = $1 AND ${predicate.sql}`,
      [accountId, ...predicate.params],
    );
    return Number(rows[0].count);
  }

  /** A page of matching contacts after `afterId`, by id; the predicate's placeholders start at $4. */
  page(
    accountId: string,
    predicate: SqlPredicate,
    afterId: number,
    limit: number,
  ): Promise<(Record<string, unknown> & { id: number; unique_key: string | null; fields: Record<string, unknown> })[]> {
    return this.db.query(
      `SELECT c.* FROM contact c WHERE c.account_id = $1 AND c.id > $2 AND ${predicate.sql} ORDER BY c.id LIMIT $3`,
      [accountId, afterId, limit, ...predicate.params],
    );
  }
}
