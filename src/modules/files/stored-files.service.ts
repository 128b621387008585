import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { StoredFilesRepository, type StoredFileInfo } from './stored-files.repository';

export type { StoredFileInfo } from './stored-files.repository';

/**
 * Files kept in PostgreSQL (1 MiB chunks), so any instance can read what another received or wrote: imported
 * files, import reports' sources, finished exports.
 */
@Injectable()
export class StoredFilesService {
  constructor(private readonly files: StoredFilesRepository) {}

  /** Copies a local file into the database in a transaction of its own. */
  store(accountId: string, name: string, path: string): Promise<StoredFileInfo> {
    return this.files.store(accountId, name, path);
  }

  /** Copies a local file into the database within the caller's transaction. */
  storeIn(em: EntityManager, accountId: string, name: string, path: string): Promise<StoredFileInfo> {
    return this.files.storeIn(em, accountId, name, path);
  }

  open(accountId: string, fileId: string): Readable {
    return this.files.open(accountId, fileId);
  }

  copyTo(accountId: string, fileId: string, path: string): Promise<void> {
    return this.files.copyTo(accountId, fileId, path);
  }

  remove(accountId: string, fileIds: string[], em?: EntityManager): Promise<void> {
    return this.files.remove(accountId, fileIds, em);
  }

  exists(accountId: string, fileId: string): Promise<boolean> {
    return this.files.exists(accountId, fileId);
  }

  /** FILE_RETENTION_DAYS for uploads, in every account (see the repository for what is kept). */
  deleteExpiredUploads(days: number): Promise<number> {
    return this.files.deleteExpired(days);
  }
}
