import type { FileRow } from '../reading/file-row';

/** Cell corrections from the guided flow, by file line then 0-based column; the stored file is never changed. */
export type CellCorrections = Record<string, Record<string, string>>;

/** A row's cells with its corrections applied, and which columns were corrected. */
export function correctedRow(
  row: FileRow,
  corrections: CellCorrections | undefined,
): { cells: string[]; columns: number[] } {
  const fixes = corrections?.[String(row.line)];
  if (!fixes) return { cells: row.cells, columns: [] };
  const cells = [...row.cells];
  const columns = Object.keys(fixes).map(Number);
  for (const column of columns) cells[column] = fixes[String(column)];
  for (let i = 0; i < cells.length; i++) cells[i] ??= '';
  return { cells, columns: columns.sort((a, b) => a - b) };
}
