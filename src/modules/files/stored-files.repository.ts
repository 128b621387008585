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

  async remove(accountId: string, fileIds: string[]): Promise<void> {
    if (fileIds.length === 0) return;
    await this.db.query('DELETE FROM stored_file WHERE account_id = $1 AND id = ANY($2::uuid[])', [accountId, fileIds]);
  }
}
