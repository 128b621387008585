import { parentPort, workerData } from 'node:worker_threads';
import { FieldCatalogue } from '../fields/field-catalogue';
import type { CheckedRow, ReadChunk, RowChunk, RowReadingSetup } from './row-reading-thread';
import { compileMatchings } from './rules/matching-plan';
import { readImportedRow, type ImportedRow } from './rules/row-reading';

/** Reads and checks rows for `RowReadingThread`, with the same pure rules as the import's own thread. */
const setup = workerData as RowReadingSetup;
const catalogue = new FieldCatalogue(setup.fields, setup.values);
const plan = compileMatchings(setup.matchings, setup.headers, catalogue, setup.constants);
const context = { catalogue, defaultCountry: setup.defaultCountry, uniquenessKey: setup.uniquenessKey };

/** The import's thread keeps the cells it sent: only what the rules made of them goes back. */
const withoutCells = ({
  line,
  key,
  columns,
  fields,
  groups,
  findings,
  newValues,
  accepted,
}: ImportedRow): CheckedRow => ({
  line,
  key,
  columns,
  fields,
  groups,
  findings,
  newValues,
  accepted,
});

parentPort?.on('message', ({ id, rows }: RowChunk) => {
  const read: ReadChunk = {
    id,
    rows: rows.map((row) => withoutCells(readImportedRow(row.line, row.cells, setup.headers, plan, context))),
  };
  parentPort?.postMessage(read);
});
