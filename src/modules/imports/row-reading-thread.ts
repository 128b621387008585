import type { Worker } from 'node:worker_threads';
import { DomainError, type ErrorDetail } from '../../common/errors';
import { startWorker } from '../../common/worker-thread';
import type { FieldRow, ValueRow } from '../fields/fields.repository';
import type { ImportSettings } from './import-settings';
import type { ImportedRow } from './rules/row-reading';

/** What the thread needs to read the file's rows and check them exactly as the import's own thread would. */
export interface RowReadingSetup {
  fields: FieldRow[];
  values: ValueRow[];
  defaultCountry: string;
  uniquenessKey: 'email' | 'mobile';
  /** The stored file, copied to local disk, and how to read it. */
  path: string;
  fileName: string;
  settings: ImportSettings;
  /** Rows up to this line were committed by an earlier run: skipped. */
  resumeLine: number;
  /** Rows per batch. */
  batchRows: number;
}

/**
 * A checked row as it comes back: cells only where the import still needs them (a rejected row's error line, a
 * row to read again once its new list values are added); the others would be a second copy of the file's cells.
 */
export type CheckedRow = Omit<ImportedRow, 'cells'> & { cells?: readonly string[] };

/** From the import's thread: how many more batches the reading thread may read ahead. */
export interface BatchCredit {
  credits: number;
}

/** From the reading thread: a batch (empty and `done` at the end of the file), or why reading stopped. */
export type ReadBatch =
  | { kind: 'rows'; rows: CheckedRow[]; done: boolean }
  | { kind: 'error'; message: string; domain?: { status: number; code: string; details?: ErrorDetail[] } };

const NO_CELLS: readonly string[] = [];

/**
 * Reads the import's file and checks its rows (`readImportedRow`) on a second thread, one batch ahead of the
 * import's own thread, which writes the batch before: parsing and checking rows is most of an import's CPU, and
 * the machine has a second core (the third party, PostgreSQL, works while the batch is written). One thread per
 * import, stopped at its end.
 */
export class RowReadingThread {
  private readonly worker: Worker;
  private readonly arrived: ReadBatch[] = [];
  private waiting: { resolve: (batch: ReadBatch) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private closing = false;
  private finished = false;

  constructor(setup: RowReadingSetup) {
    this.worker = startWorker(__dirname, 'row-reading', __filename.endsWith('.js'), { workerData: setup });
    this.worker.on('message', (batch: ReadBatch) => {
      if (this.waiting) {
        this.waiting.resolve(batch);
        this.waiting = undefined;
      } else this.arrived.push(batch);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`The row reading thread stopped (exit code ${code})`));
    });
    // The first batch; each batch taken lets the thread read the following one meanwhile.
    this.worker.postMessage({ credits: 1 } satisfies BatchCredit);
  }

  /** The file's next batch of rows, read and checked, in file order; undefined after the last one. */
  async next(): Promise<ImportedRow[] | undefined> {
    if (this.finished) return undefined;
    if (this.failure) throw this.failure;
    const batch =
      this.arrived.shift() ??
      (await new Promise<ReadBatch>((resolve, reject) => {
        this.waiting = { resolve, reject };
      }));
    if (batch.kind === 'error') {
      throw batch.domain
        ? new DomainError(batch.domain.status, batch.domain.code, batch.message, batch.domain.details)
        : new Error(batch.message);
    }
    if (batch.done) this.finished = true;
    else this.worker.postMessage({ credits: 1 } satisfies BatchCredit);
    const rows = batch.rows as ImportedRow[];
    for (const row of rows) row.cells ??= NO_CELLS;
    return rows.length > 0 ? rows : this.finished ? undefined : this.next();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(this.failure);
    this.waiting = undefined;
  }
}
