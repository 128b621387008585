import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../common/worker-thread';
import type { FieldRow, ValueRow } from '../fields/fields.repository';
import type { ConstantValue } from './import-settings';
import type { ImportedRow } from './rules/row-reading';

/** What the thread needs to read rows exactly as the import's own thread would. */
export interface RowReadingSetup {
  fields: FieldRow[];
  values: ValueRow[];
  matchings: string[];
  headers: string[];
  constants: ConstantValue[];
  defaultCountry: string;
  uniquenessKey: 'email' | 'mobile';
}

export interface RawRow {
  line: number;
  cells: string[];
}

export interface RowChunk {
  id: number;
  rows: RawRow[];
}

/**
 * Rows come back without their cells: the import's thread still holds them, and sending them back was a second
 * copy of every cell of the file.
 */
export type CheckedRow = Omit<ImportedRow, 'cells'>;

export interface ReadChunk {
  id: number;
  rows: CheckedRow[];
}

/**
 * Reads and checks file rows (`readImportedRow`) on a second thread, chunk by chunk and in order, while the
 * import's own thread parses the file and writes batches: checking rows (phone numbers above all) is the larger
 * part of an import's CPU, and the machine has a second core. One thread per import, stopped at its end.
 */
export class RowReadingThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (rows: CheckedRow[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(setup: RowReadingSetup) {
    this.worker = startWorker(__dirname, 'row-reading', __filename.endsWith('.js'), { workerData: setup });
    this.worker.on('message', ({ id, rows }: ReadChunk) => {
      this.pending.get(id)?.resolve(rows);
      this.pending.delete(id);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`The row reading thread stopped (exit code ${code})`));
    });
  }

  /** The rows read and checked, in the order given. */
  read(rows: RawRow[]): Promise<ImportedRow[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const reading = new Promise<CheckedRow[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, rows } satisfies RowChunk);
    }).then((checked) => checked.map((row, i): ImportedRow => Object.assign(row, { cells: rows[i].cells })));
    // Awaited later, with the rest of its batch: a failure meanwhile is not an unhandled rejection.
    reading.catch(() => undefined);
    return reading;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
  }
}
