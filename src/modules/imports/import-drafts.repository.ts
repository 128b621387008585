import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ImportDraft } from './import-draft.entity';
import type { DraftSetup, FileInspection } from './import-settings';

export type DraftRow = Omit<ImportDraft, 'account'>;

export interface NewDraft {
  fileId: string;
  fileName: string;
  fileHash: string;
  inspection: FileInspection;
  expiresAt: Date;
}

/** `operation_id` while a confirmation is starting the import: no operation has id 0. */
export const CONFIRMING = 0;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const COLUMNS = `id, account_id AS "accountId", file_id AS "fileId", file_name AS "fileName", file_hash AS "fileHash",
  inspection, setup, corrections, operation_id::int AS "operationId", created_at AS "createdAt", expires_at AS "expiresAt"`;

/** A draft is visible until it expires, and for good once confirmed. */
const LIVE = `account_id = $1 AND id = $2 AND (operation_id IS NOT NULL OR expires_at > now())`;

// UPDATE/DELETE … RETURNING answer [rows, affected count] through TypeORM's query(); INSERT/SELECT answer rows.

/** Guided-flow drafts; every method takes the account first and filters on it. */
@Injectable()
export class ImportDraftsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(accountId: string, draft: NewDraft): Promise<DraftRow> {
    const rows: DraftRow[] = await this.db.query(
      `INSERT INTO import_draft (account_id, file_id, file_name, file_hash, inspection, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [accountId, draft.fileId, draft.fileName, draft.fileHash, JSON.stringify(draft.inspection), draft.expiresAt],
    );
    return rows[0];
  }

  async find(accountId: string, id: string): Promise<DraftRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows: DraftRow[] = await this.db.query(`SELECT ${COLUMNS} FROM import_draft WHERE ${LIVE}`, [accountId, id]);
    return rows[0];
  }

  /** Saves the setup of an unconfirmed draft and pushes its expiry back; undefined when none matches. */
  async saveSetup(accountId: string, id: string, setup: DraftSetup, expiresAt: Date): Promise<DraftRow | undefined> {
    const [rows] = await this.db.query<[DraftRow[], number]>(
      `UPDATE import_draft SET setup = $3, expires_at = greatest(expires_at, $4)
       WHERE ${LIVE} AND operation_id IS NULL RETURNING ${COLUMNS}`,
      [accountId, id, JSON.stringify(setup), expiresAt],
    );
    return rows[0];
  }

  /** Merges cell corrections (by line, then column) into an unconfirmed draft's, in one statement. */
  async addCorrections(
    accountId: string,
    id: string,
    corrections: Record<string, Record<string, string>>,
    expiresAt: Date,
  ): Promise<DraftRow | undefined> {
    const [rows] = await this.db.query<[DraftRow[], number]>(
      `UPDATE import_draft d SET expires_at = greatest(d.expires_at, $4), corrections = d.corrections || (
         SELECT coalesce(jsonb_object_agg(n.key, coalesce(d.corrections -> n.key, '{}'::jsonb) || n.value), '{}'::jsonb)
         FROM jsonb_each($3::jsonb) n)
       WHERE ${LIVE} AND operation_id IS NULL
       RETURNING ${COLUMNS}`,
      [accountId, id, JSON.stringify(corrections), expiresAt],
    );
    return rows[0];
  }

  /**
   * Takes an unconfirmed draft for confirmation (operation_id = CONFIRMING), so a concurrent second
   * confirmation finds it taken; undefined when it is missing or already taken.
   */
  async claim(accountId: string, id: string): Promise<DraftRow | undefined> {
    const [rows] = await this.db.query<[DraftRow[], number]>(
      `UPDATE import_draft SET operation_id = ${CONFIRMING} WHERE ${LIVE} AND operation_id IS NULL RETURNING ${COLUMNS}`,
      [accountId, id],
    );
    return rows[0];
  }

  /** Ends a confirmation: the operation started, or NULL to give the draft back after a failure. */
  async settleClaim(accountId: string, id: string, operationId: number | null): Promise<void> {
    await this.db.query(
      `UPDATE import_draft SET operation_id = $3 WHERE account_id = $1 AND id = $2 AND operation_id = ${CONFIRMING}`,
      [accountId, id, operationId],
    );
  }

  /** Deletes a draft; answers its file and whether it was confirmed (the file then belongs to the import). */
  async delete(accountId: string, id: string): Promise<{ fileId: string; confirmed: boolean } | undefined> {
    if (!UUID.test(id)) return undefined;
    const [rows] = await this.db.query<[{ fileId: string; confirmed: boolean }[], number]>(
      `DELETE FROM import_draft WHERE ${LIVE} RETURNING file_id AS "fileId", operation_id IS NOT NULL AS confirmed`,
      [accountId, id],
    );
    return rows[0];
  }

  /**
   * Deletes every draft past its expiry, confirmed ones included; answers the files of the unconfirmed ones.
   * One statement, so several instances sweeping at once never both get the same row.
   */
  async deleteExpired(): Promise<{ accountId: string; fileId: string }[]> {
    const [rows] = await this.db.query<[{ accountId: string; fileId: string; confirmed: boolean }[], number]>(
      `DELETE FROM import_draft WHERE expires_at <= now()
       RETURNING account_id AS "accountId", file_id AS "fileId", operation_id IS NOT NULL AS confirmed`,
    );
    return rows.filter((row) => !row.confirmed).map(({ accountId, fileId }) => ({ accountId, fileId }));
  }
}
