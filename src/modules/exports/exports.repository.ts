import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { copyOutRows, inlineParams } from '../../database/copy-out';
import type { Database } from '../../database/database';
import { DATABASE } from '../../database/database.module';
import type { ExportStatus } from './export-operation.entity';
import type { ExportSettings } from './export-settings';

export const HISTORY_LIMIT = 100;

export interface ExportRow {
  id: number;
  accountId: string;
  name: string;
  description: string;
  status: ExportStatus;
  settings: ExportSettings;
  totalContact: number | null;
  rowsWritten: number;
  fileId: string | null;
  fileSize: number | null;
  failure: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Which contacts to read: SQL on contact alias `c` with its own parameters, numbered after the query's. */
export interface ContactsQuery {
  accountId: string;
  /** Selection and filters, ANDed; their `$n` are numbered from `$2` (`$1` is the account). */
  where: string;
  params: unknown[];
}

/** The outcome written when a run ends. */
export type ExportOutcome =
  { status: 'done'; fileId: string; fileSize: number; rowsWritten: number } | { status: 'failed'; failure: string };

const COLUMNS = `id::int AS id, account_id AS "accountId", name, description, status, settings,
  total_contact AS "totalContact", rows_written AS "rowsWritten", file_id AS "fileId", file_size::float8 AS "fileSize",
  failure, attempts, created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

/** Rows fetched from the cursor at a time. */
const FETCH_ROWS = 5000;

@Injectable()
export class ExportsRepository {
  constructor(
    private readonly db: DataSource,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** A read-only REPEATABLE READ transaction: every query in it sees the base as it was at its first one. */
  snapshot<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      await em.query('SET TRANSACTION READ ONLY');
      return work(em);
    });
  }

  /** Locks a running export for its settling transaction; false when it ended meanwhile (deleted, taken over). */
  async lockRunning(em: EntityManager, id: number): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM export_operation WHERE id = $1 AND status = 'running' FOR UPDATE`,
      [id],
    );
    return rows.length > 0;
  }

  async insert(
    accountId: string,
    operation: { name: string; description: string; settings: ExportSettings },
  ): Promise<ExportRow> {
    const rows: ExportRow[] = await this.db.query(
      `INSERT INTO export_operation (account_id, name, description, settings) VALUES ($1, $2, $3, $4)
       RETURNING ${COLUMNS}`,
      [accountId, operation.name, operation.description, operation.settings],
    );
    return rows[0];
  }

  async find(accountId: string, id: number, em: EntityManager = this.db.manager): Promise<ExportRow | undefined> {
    const rows: ExportRow[] = await em.query(
      `SELECT ${COLUMNS} FROM export_operation WHERE account_id = $1 AND id = $2`,
      [accountId, id],
    );
    return rows[0];
  }

  async list(accountId: string): Promise<ExportRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM export_operation WHERE account_id = $1 ORDER BY id DESC LIMIT ${HISTORY_LIMIT}`,
      [accountId],
    );
  }

  /** Deletes the account's finished exports beyond the latest 100; answers their files. */
  async trimHistory(accountId: string): Promise<string[]> {
    const [rows]: [{ fileId: string | null }[], number] = await this.db.query(
      `DELETE FROM export_operation WHERE account_id = $1 AND status NOT IN ('pending', 'running')
         AND id < (SELECT min(id) FROM (SELECT id FROM export_operation WHERE account_id = $1
                   ORDER BY id DESC LIMIT ${HISTORY_LIMIT}) AS newest)
       RETURNING file_id AS "fileId"`,
      [accountId],
    );
    return rows.flatMap((r) => (r.fileId ? [r.fileId] : []));
  }

  async delete(accountId: string, id: number): Promise<string | null> {
    const [rows]: [{ fileId: string | null }[], number] = await this.db.query(
      `DELETE FROM export_operation WHERE account_id = $1 AND id = $2 RETURNING file_id AS "fileId"`,
      [accountId, id],
    );
    return rows[0]?.fileId ?? null;
  }

  /** Takes a pending export, or a running one whose worker stopped beating, for this worker. */
  async claim(id: number, staleSeconds: number): Promise<ExportRow | undefined> {
    const [rows]: [ExportRow[], number] = await this.db.query(
      `UPDATE export_operation SET status = 'running', attempts = attempts + 1, heartbeat_at = now(),
         started_at = coalesce(started_at, now()), total_contact = NULL, rows_written = 0
       WHERE id = $1 AND (status = 'pending'
         OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $2)))
       RETURNING ${COLUMNS}`,
      [id, staleSeconds],
    );
    return rows[0];
  }

  async findStale(staleSeconds: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(
      `SELECT id::int AS id FROM export_operation
       WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [staleSeconds],
    );
    return rows.map((r) => r.id);
  }

  /** Progress of a running export (heartbeat included); ignored once it has ended. */
  async progress(id: number, progress: { totalContact?: number; rowsWritten?: number }): Promise<void> {
    await this.db.query(
      `UPDATE export_operation SET total_contact = coalesce($2, total_contact),
         rows_written = coalesce($3, rows_written), heartbeat_at = now()
       WHERE id = $1 AND status = 'running'`,
      [id, progress.totalContact ?? null, progress.rowsWritten ?? null],
    );
  }

  /** Marks a run's end within the caller's transaction; false when the export was not running any more. */
  async finish(em: EntityManager, id: number, totalContact: number | null, outcome: ExportOutcome): Promise<boolean> {
    const done = outcome.status === 'done';
    const [, count]: [unknown, number] = await em.query(
      `UPDATE export_operation SET status = $2, failure = $3, file_id = $4, file_size = $5,
         rows_written = coalesce($6, rows_written), total_contact = coalesce($7, total_contact),
         finished_at = now(), heartbeat_at = NULL
       WHERE id = $1 AND status IN ('pending', 'running')`,
      [
        id,
        outcome.status,
        done ? null : outcome.failure,
        done ? outcome.fileId : null,
        done ? outcome.fileSize : null,
        done ? outcome.rowsWritten : null,
        totalContact,
      ],
    );
    return count > 0;
  }

  async requeue(id: number): Promise<void> {
    await this.db.query(`UPDATE export_operation SET status = 'pending' WHERE id = $1 AND status = 'running'`, [id]);
  }

  /** Done exports finished before the cutoff become `expired`; answers the files to remove. */
  async expire(finishedBefore: Date): Promise<{ accountId: string; fileId: string }[]> {
    const [rows]: [{ accountId: string; fileId: string }[], number] = await this.db.query(
      `WITH old AS (
         SELECT id, file_id FROM export_operation
         WHERE status = 'done' AND finished_at < $1 FOR UPDATE SKIP LOCKED)
       UPDATE export_operation e SET status = 'expired', file_id = NULL FROM old WHERE e.id = old.id
       RETURNING e.account_id AS "accountId", old.file_id AS "fileId"`,
      [finishedBefore],
    );
    return rows.filter((r) => r.fileId !== null);
  }

  /** How many contacts a query selects, outside any snapshot (the XLSX check up front). */
  async countContacts(query: ContactsQuery): Promise<number> {
    return this.count(this.db.manager, query);
  }

  /** How many contacts a query selects, in the caller's transaction (its snapshot). */
  async count(em: EntityManager, query: ContactsQuery): Promise<number> {
    const rows: { count: number }[] = await em.query(
      `SELECT count(*)::int AS count FROM contact c WHERE c.account_id = $1 AND ${query.where}`,
      [query.accountId, ...query.params],
    );
    return rows[0].count;
  }

  /**
   * The selected contacts' columns as text, in id order, streamed in the caller's transaction: `COPY … TO STDOUT`
   * on PostgreSQL (the cheapest way out of it), a cursor read a few thousand rows at a time on the embedded
   * database (its socket does not carry COPY), the next batch asked for while one is being written.
   */
  async *readContacts(
    em: EntityManager,
    query: ContactsQuery,
    columns: (param: (value: unknown) => string) => string[],
  ): AsyncGenerator<(string | null)[][]> {
    const runner = em.queryRunner as PostgresQueryRunner | undefined;
    if (!runner) throw new Error('readContacts needs a transaction');
    const client = (await runner.connect()) as PoolClient;
    const params: unknown[] = [query.accountId, ...query.params];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const select = columns(param).map((sql) => `(${sql})::text`);
    const sql = `SELECT ${select.join(', ')} FROM contact c WHERE c.account_id = $1 AND ${query.where} ORDER BY c.id`;
    if (!this.database.embedded) {
      yield* copyOutRows(client, inlineParams(sql, params));
      return;
    }
    await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = () =>
      client.query<(string | null)[]>({ text: `FETCH ${FETCH_ROWS} FROM export_rows`, rowMode: 'array' });
    let next = fetch();
    try {
      for (;;) {
        const { rows } = await next;
        if (rows.length === 0) return;
        next = fetch();
        yield rows;
      }
    } finally {
      await next.catch(() => undefined);
      await client.query('CLOSE export_rows').catch(() => undefined);
    }
  }
}
