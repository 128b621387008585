import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, EntityManager } from 'typeorm';

const CHUNK_BYTES = 1024 * 1024;

export interface StoredFileInfo {
  id: string;
  name: string;
  size: number;
  sha256: string;
}

/** Uploaded files kept in PostgreSQL in 1 MiB chunks, written and read as streams. */
@Injectable()
export class StoredFilesRepository {
  constructor(private readonly db: DataSource) {}

  /** Copies a local file into the database; one transaction, so a failed copy leaves nothing. */
  async store(accountId: string, name: string, path: string): Promise<StoredFileInfo> {
    return this.db.transaction((em) => this.storeIn(em, accountId, name, path));
  }

  /** The same copy inside the caller's transaction: the file exists only if that transaction commits. */
  async storeIn(em: EntityManager, accountId: string, name: string, path: string): Promise<StoredFileInfo> {
    const [{ id }]: { id: string }[] = await em.query(
      `INSERT INTO stored_file (account_id, name, size, sha256) VALUES ($1, $2, 0, '') RETURNING id`,
      [accountId, name],
    );
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      const data = chunk as Buffer;
      hash.update(data);
      size += data.length;
      await em.query('INSERT INTO stored_file_chunk (file_id, seq, data) VALUES ($1, $2, $3)', [id, seq++, data]);
    }
    const sha256 = hash.digest('hex');
    await em.query('UPDATE stored_file SET size = $2, sha256 = $3 WHERE id = $1', [id, size, sha256]);
    return { id, name, size, sha256 };
  }

  /** The file's bytes, chunk by chunk; the account filter makes another tenant's file unreadable. */
  open(accountId: string, fileId: string): Readable {
    const db = this.db;
    async function* chunks() {
      for (let seq = 0; ; seq++) {
        const rows: { data: Buffer }[] = await db.query(
          `SELECT c.data FROM stored_file_chunk c JOIN stored_file f ON f.id = c.file_id
           WHERE f.account_id = $1 AND c.file_id = $2 AND c.seq = $3`,
          [accountId, fileId, seq],
        );
        if (rows.length === 0) return;
        yield rows[0].data;
      }
    }
    return Readable.from(chunks());
  }

  /** Writes the stored file to a local path (the readers and the workbook worker read paths). */
  async copyTo(accountId: string, fileId: string, path: string): Promise<void> {
    await pipeline(this.open(accountId, fileId), createWriteStream(path));
  }

  async remove(accountId: string, fileIds: string[], em: EntityManager = this.db.manager): Promise<void> {
    if (fileIds.length === 0) return;
    await em.query('DELETE FROM stored_file WHERE account_id = $1 AND id = ANY($2::uuid[])', [accountId, fileIds]);
  }

  async exists(accountId: string, fileId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM stored_file WHERE account_id = $1 AND id = $2', [
      accountId,
      fileId,
    ]);
    return rows.length > 0;
  }

  /**
   * FILE_RETENTION_DAYS: deletes the uploads stored that many days ago, of every account, except those a pending or
   * running operation or a live unconfirmed draft still reads. Export files have their own retention
   * (EXPORT_RETENTION_DAYS, the exports module's sweep) and are left alone. Answers how many.
   */
  async deleteExpired(days: number): Promise<number> {
    const [, count]: [unknown[], number] = await this.db.query(
      `DELETE FROM stored_file f WHERE f.created_at < now() - make_interval(days => $1)
         AND NOT EXISTS (SELECT 1 FROM import_operation o
                         WHERE o.file_id = f.id AND o.status IN ('pending', 'running'))
         AND NOT EXISTS (SELECT 1 FROM import_draft d
                         WHERE d.file_id = f.id AND d.operation_id IS NULL AND d.expires_at > now())
         AND NOT EXISTS (SELECT 1 FROM export_operation e WHERE e.file_id = f.id)`,
      [days],
    );
    return count;
  }
}
