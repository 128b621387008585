import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ConsentRecord, ImportSettings } from './import-settings';
import type { ImportOperation, OperationKind } from './import-operation.entity';

export type OperationRow = ImportOperation;

export interface NewOperation {
  kind: OperationKind;
  name: string;
  settings: ImportSettings;
  fileId: string;
  fileName: string;
  fileHash: string;
  consent?: ConsentRecord | null;
  totalLines?: number | null;
}

/** What a committed batch adds to an operation's counters. */
export interface CounterDelta {
  lineRead: number;
  lineDuplicate: number;
  lineAdd: number;
  lineUpdate: number;
  lineError: number;
  lineKeptOptOut: number;
  lineDelete: number;
}

export interface Rejection {
  line: number;
  reasons: string;
  cells: readonly string[];
}

const COLUMNS = `id::int AS id, account_id AS "accountId", kind, name, status, settings, file_id AS "fileId",
  file_name AS "fileName", file_hash AS "fileHash", consent, line_read AS "lineRead", line_duplicate AS "lineDuplicate",
  line_add AS "lineAdd", line_update AS "lineUpdate", line_error AS "lineError", line_kept_opt_out AS "lineKeptOptOut", line_delete AS "lineDelete",
  resume_line AS "resumeLine", total_lines AS "totalLines", failure, attempts, created_at AS "createdAt",
  started_at AS "startedAt", finished_at AS "finishedAt", heartbeat_at AS "heartbeatAt",
  files_deleted_at AS "filesDeletedAt"`;
const SELECT = `SELECT ${COLUMNS} FROM import_operation`;

const FINISHED = `status NOT IN ('pending', 'running')`;

/** How many operations of each kind an account keeps; older ones are removed with their report. */
export const HISTORY_LIMIT = 100;

@Injectable()
export class ImportsRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insert(accountId: string, operation: NewOperation): Promise<OperationRow> {
    const [{ id }]: { id: number }[] = await this.db.query(
      `INSERT INTO import_operation (account_id, kind, name, settings, file_id, file_name, file_hash, consent, total_lines)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::int AS id`,
      [
        accountId,
        operation.kind,
        operation.name,
        JSON.stringify(operation.settings),
        operation.fileId,
        operation.fileName,
        operation.fileHash,
        operation.consent ? JSON.stringify(operation.consent) : null,
        operation.totalLines ?? null,
      ],
    );
    return (await this.find(accountId, operation.kind, id)) as OperationRow;
  }

  async find(accountId: string, kind: OperationKind, id: number): Promise<OperationRow | undefined> {
    const rows: OperationRow[] = await this.db.query(`${SELECT} WHERE account_id = $1 AND kind = $2 AND id = $3`, [
      accountId,
      kind,
      id,
    ]);
    return rows[0];
  }

  list(accountId: string, kind: OperationKind): Promise<OperationRow[]> {
    return this.db.query(`${SELECT} WHERE account_id = $1 AND kind = $2 ORDER BY id DESC LIMIT ${HISTORY_LIMIT}`, [
      accountId,
      kind,
    ]);
  }

  /** Removes the operations beyond the newest HISTORY_LIMIT; returns their stored files to delete. */
  async trimHistory(accountId: string, kind: OperationKind): Promise<string[]> {
    const [rows]: [{ fileId: string }[], number] = await this.db.query(
      `DELETE FROM import_operation WHERE account_id = $1 AND kind = $2 AND status NOT IN ('pending', 'running')
         AND id < (SELECT min(id) FROM (SELECT id FROM import_operation WHERE account_id = $1 AND kind = $2
                   ORDER BY id DESC LIMIT ${HISTORY_LIMIT}) AS newest)
       RETURNING file_id AS "fileId"`,
      [accountId, kind],
    );
    return rows.map((r) => r.fileId);
  }

  async delete(accountId: string, kind: OperationKind, id: number): Promise<string | undefined> {
    const [rows]: [{ fileId: string }[], number] = await this.db.query(
      `DELETE FROM import_operation WHERE account_id = $1 AND kind = $2 AND id = $3 RETURNING file_id AS "fileId"`,
      [accountId, kind, id],
    );
    return rows[0]?.fileId;
  }

  /**
   * Takes the operation for this worker: a pending one, or a running one whose worker stopped beating.
   * Undefined when another worker holds it or it is finished.
   */
  async claim(id: number, staleSeconds: number): Promise<OperationRow | undefined> {
    const [rows]: [{ accountId: string; kind: OperationKind }[], number] = await this.db.query(
      `UPDATE import_operation SET status = 'running', attempts = attempts + 1, heartbeat_at = now(),
         started_at = coalesce(started_at, now())
       WHERE id = $1 AND (status = 'pending'
         OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $2)))
       RETURNING account_id AS "accountId", kind`,
      [id, staleSeconds],
    );
    return rows[0] ? this.find(rows[0].accountId, rows[0].kind, id) : undefined;
  }

  /** The account's oldest import or purge waiting or running, if any. */
  async findActive(em: EntityManager, accountId: string): Promise<{ id: number; kind: OperationKind } | undefined> {
    const rows: { id: number; kind: OperationKind }[] = await em.query(
      `SELECT id::int AS id, kind FROM import_operation WHERE account_id = $1 AND status IN ('pending', 'running')
       ORDER BY id LIMIT 1`,
      [accountId],
    );
    return rows[0];
  }

  /**
   * Operations to be requeued: running ones whose worker stopped beating, and pending ones nothing touched for as
   * long (recorded but never sent when the process died in between, or put back in line by a worker that died).
   */
  async findStale(staleSeconds: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(
      `SELECT id::int AS id FROM import_operation
       WHERE status IN ('running', 'pending') AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $1)
       ORDER BY id`,
      [staleSeconds],
    );
    return rows.map((r) => r.id);
  }

  /** Adds a committed batch to the counters, in the batch's own transaction. */
  async recordBatch(em: EntityManager, id: number, delta: CounterDelta, resumeLine: number): Promise<void> {
    await em.query(
      `UPDATE import_operation SET line_read = line_read + $2, line_duplicate = line_duplicate + $3,
         line_add = line_add + $4, line_update = line_update + $5, line_error = line_error + $6,
         line_kept_opt_out = line_kept_opt_out + $7, line_delete = line_delete + $9, resume_line = $8,
         heartbeat_at = now()
       WHERE id = $1`,
      [
        id,
        delta.lineRead,
        delta.lineDuplicate,
        delta.lineAdd,
        delta.lineUpdate,
        delta.lineError,
        delta.lineKeptOptOut,
        resumeLine,
        delta.lineDelete,
      ],
    );
  }

  async addRejections(em: EntityManager, accountId: string, id: number, rejections: Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    await em.query(
      `INSERT INTO import_rejection (operation_id, account_id, line, reasons, cells)
       SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::jsonb[]) ON CONFLICT DO NOTHING`,
      [
        id,
        accountId,
        rejections.map((r) => r.line),
        rejections.map((r) => r.reasons),
        rejections.map((r) => JSON.stringify(r.cells)),
      ],
    );
  }

  /** The rejected rows in file order, a page at a time (the report is streamed). */
  rejections(accountId: string, id: number, afterLine: number, limit: number): Promise<Rejection[]> {
    return this.db.query(
      `SELECT line, reasons, cells FROM import_rejection WHERE account_id = $1 AND operation_id = $2 AND line > $3
       ORDER BY line LIMIT $4`,
      [accountId, id, afterLine, limit],
    );
  }

  /**
   * Anonymisation: the rejected rows holding one of the contact's addresses or numbers (a cell equal to it, case and
   * spaces aside, or whose digits are one of its forms) keep their line and lose their cells and reasons.
   */
  async scrubRejections(em: EntityManager, accountId: string, emails: string[], phoneDigits: string[]): Promise<void> {
    if (emails.length === 0 && phoneDigits.length === 0) return;
    await em.query(
      `UPDATE import_rejection r SET cells = '[]'::jsonb, reasons = 'Row erased on request'
       WHERE r.account_id = $1 AND EXISTS (
         SELECT 1 FROM jsonb_array_elements_text(r.cells) AS c(cell)
         WHERE lower(btrim(c.cell)) = ANY($2::text[]) OR regexp_replace(c.cell, '[^0-9]', '', 'g') = ANY($3::text[]))`,
      [accountId, emails, phoneDigits],
    );
  }

  /** The uploads of the account's finished operations (no run needs them any more). */
  async finishedUploads(em: EntityManager, accountId: string): Promise<string[]> {
    const rows: { fileId: string }[] = await em.query(
      `SELECT file_id AS "fileId" FROM import_operation WHERE account_id = $1 AND ${FINISHED}`,
      [accountId],
    );
    return rows.map((r) => r.fileId);
  }

  /**
   * FILE_RETENTION_DAYS: marks the operations finished that many days ago as having lost their files, and deletes
   * their error reports; answers how many. The uploads go with StoredFilesRepository.deleteExpired.
   */
  async expireReports(days: number): Promise<number> {
    return this.db.transaction(async (em) => {
      const [rows]: [{ id: number }[], number] = await em.query(
        `UPDATE import_operation SET files_deleted_at = now()
         WHERE files_deleted_at IS NULL AND ${FINISHED}
           AND coalesce(finished_at, created_at) < now() - make_interval(days => $1)
         RETURNING id`,
        [days],
      );
      if (rows.length > 0) {
        await em.query('DELETE FROM import_rejection WHERE operation_id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      }
      return rows.length;
    });
  }

  async setTotal(id: number, totalLines: number): Promise<void> {
    await this.db.query('UPDATE import_operation SET total_lines = $2 WHERE id = $1', [id, totalLines]);
  }

  async heartbeat(id: number): Promise<void> {
    await this.db.query('UPDATE import_operation SET heartbeat_at = now() WHERE id = $1', [id]);
  }

  /**
   * Ends a pending or running operation, in the caller's transaction (the webhook event is written in it too).
   * Answers the finished operation, or undefined when it had already ended.
   */
  async finish(
    em: EntityManager,
    id: number,
    status: 'done' | 'failed' | 'cancelled',
    failure: string | null = null,
  ): Promise<OperationRow | undefined> {
    const [rows]: [OperationRow[], number] = await em.query(
      `UPDATE import_operation SET status = $2, failure = $3, finished_at = now(), heartbeat_at = NULL
       WHERE id = $1 AND status IN ('pending', 'running') RETURNING ${COLUMNS}`,
      [id, status, failure],
    );
    return rows[0];
  }

  /** Put back in line after its worker died (or a retry): keeps its counters and resume point. */
  async requeue(id: number): Promise<void> {
    await this.db.query(`UPDATE import_operation SET status = 'pending' WHERE id = $1 AND status = 'running'`, [id]);
  }

  async status(id: number): Promise<string | undefined> {
    const rows: { status: string }[] = await this.db.query('SELECT status FROM import_operation WHERE id = $1', [id]);
    return rows[0]?.status;
  }
}
