import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../../common/errors';
import { FieldCatalogue } from '../fields/field-catalogue';
import { openImportTable, type FileTable } from './file-table';
import type { FileRow } from './import-settings';
import type { BatchCredit, CheckedRow, ReadBatch, RowReadingSetup } from './row-reading-thread';
import { correctedRow } from './rules/corrections';
import { compileMatchings, type MatchingPlan } from './rules/matching-plan';
import { readImportedRow } from './rules/row-reading';

/** Reads the file and checks its rows for `RowReadingThread`, with the same pure rules as the import's own thread. */
const setup = workerData as RowReadingSetup;
const { settings } = setup;
const catalogue = new FieldCatalogue(setup.fields, setup.values);
const context = { catalogue, defaultCountry: setup.defaultCountry, uniquenessKey: setup.uniquenessKey };

interface OpenTable {
  table: FileTable;
  rows: AsyncIterator<FileRow>;
  plan: MatchingPlan;
}

const opening: Promise<OpenTable> = openImportTable(setup.path, setup.fileName, settings).then((table) => ({
  table,
  rows: table.rows[Symbol.asyncIterator](),
  plan: compileMatchings(settings.matchings, table.headers, catalogue, settings.constants),
}));
// Awaited when the first credit comes: a failure to open is reported then, as a batch.
opening.catch(() => undefined);

let credits = 0;
let pumping = false;

async function readBatch({ table, rows, plan }: OpenTable): Promise<ReadBatch> {
  const batch: CheckedRow[] = [];
  while (batch.length < setup.batchRows) {
    const next = await rows.next();
    if (next.done) return { kind: 'rows', rows: batch, done: true };
    const row = next.value;
    // Committed by an earlier run of this operation (the contacts it wrote carry its id).
    if (row.line <= setup.resumeLine) continue;
    const { cells } = correctedRow(row, settings.corrections);
    const checked: CheckedRow = readImportedRow(row.line, cells, table.headers, plan, context);
    // The import's thread needs the cells only to report a rejected row or to read a row again.
    if (checked.accepted && checked.key && checked.newValues.length === 0) checked.cells = undefined;
    batch.push(checked);
  }
  return { kind: 'rows', rows: batch, done: false };
}

async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  try {
    const open = await opening;
    while (credits > 0) {
      credits--;
      const batch = await readBatch(open);
      parentPort?.postMessage(batch);
      if (batch.kind === 'rows' && batch.done) await open.table.close();
    }
  } catch (error) {
    const failure: ReadBatch =
      error instanceof DomainError
        ? {
            kind: 'error',
            message: error.message,
            domain: { status: error.status, code: error.code, details: error.details },
          }
        : { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(failure);
  } finally {
    pumping = false;
  }
}

parentPort?.on('message', ({ credits: more }: BatchCredit) => {
  credits += more;
  void pump();
});
