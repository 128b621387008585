import { readingOptions, type FileRow, type ImportSettings } from './import-settings';
import { openImportFile } from './reading/import-file';

/** A file's rows seen as a table: the header row (if any) and the data rows after it, streamed. */
export interface FileTable {
  headers: string[];
  /** The line (or spreadsheet row) the headers were read from; undefined without a header row. */
  headerLine: number | undefined;
  /** Columns the table has: the header's width, or the first data row's, trailing empty cells left out. */
  width: number;
  /** Width including trailing empty cells (a v4 client may send a matching for those too). */
  rawWidth: number;
  firstRow: FileRow | undefined;
  rows: AsyncGenerator<FileRow>;
  close(): Promise<void>;
}

function widthOf(cells: readonly string[]): number {
  let width = cells.length;
  while (width > 0 && cells[width - 1].trim() === '') width--;
  return width;
}

/**
 * Skips the records before `firstLine` (1-based), takes the header row when asked, and streams the rest.
 * Only the rows actually consumed are read from the source.
 */
export async function openTable(
  source: AsyncIterable<FileRow>,
  firstLine: number,
  hasHeader: boolean,
): Promise<FileTable> {
  const iterator = source[Symbol.asyncIterator]();
  let next = await iterator.next();
  for (let skipped = 1; !next.done && skipped < firstLine; skipped++) next = await iterator.next();
  let headers: string[] = [];
  let headerLine: number | undefined;
  let rawWidth = 0;
  if (hasHeader && !next.done) {
    headerLine = next.value.line;
    rawWidth = next.value.cells.length;
    headers = next.value.cells.slice(0, widthOf(next.value.cells)).map((h) => h.trim());
    next = await iterator.next();
  }
  const firstRow = next.done ? undefined : next.value;
  if (!hasHeader && firstRow) rawWidth = firstRow.cells.length;
  async function* rows(): AsyncGenerator<FileRow> {
    if (!firstRow) return;
    yield firstRow;
    for (;;) {
      const step = await iterator.next();
      if (step.done) return;
      yield step.value;
    }
  }
  return {
    headers,
    headerLine,
    width: hasHeader ? headers.length : widthOf(firstRow?.cells ?? []),
    rawWidth,
    firstRow,
    rows: rows(),
    close: async () => {
      await iterator.return?.(undefined);
    },
  };
}

/**
 * The table an import's settings describe in a file: its encoding, separator, sheet and first line. `head`: only
 * the header and the first data row will be read (checking a request), so a workbook is not parsed further.
 */
export function openImportTable(
  path: string,
  fileName: string,
  settings: ImportSettings,
  reading: 'all' | 'head' = 'all',
): Promise<FileTable> {
  const file = openImportFile(path, fileName, readingOptions(settings));
  // The records before `firstLine`, the header, the first data row.
  const head = reading === 'head' ? settings.firstLine + 1 : undefined;
  return openTable(file.rows(settings.sheet, head), settings.firstLine, settings.firstLineAsHeader);
}
