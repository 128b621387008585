import { stream as excelStream } from 'exceljs';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { neutraliseFormula } from '../../common/formula-cells';

export type ExportFormat = 'csv' | 'xlsx';

/** Rows of an XLSX sheet (1,048,576) less the header row. */
export const XLSX_MAX_CONTACTS = 1_048_575;

/** One row's cells: text, or a number for numeric columns; null is an empty cell. */
export type ExportCell = string | number | null;

/** A file being written row by row: memory stays flat whatever the number of rows. */
export interface ExportFileWriter {
  /** Resolves once the row is accepted; waits when the disk is behind. */
  writeRow(cells: readonly ExportCell[]): Promise<void> | void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
  /** Stops writing after a failure (the partial file is discarded by the caller). */
  abort(): void;
}

/** Text cells pass THE formula rule; numbers are values, never formulas. */
const safeText = (cell: ExportCell): string =>
  cell === null ? '' : typeof cell === 'number' ? String(cell) : neutraliseFormula(cell);

/** One CSV record (RFC 4180 quoting: cells holding the separator, a quote or a line break are quoted). */
export function csvRecord(cells: readonly ExportCell[], separator: string): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const text = safeText(cells[i]);
    if (i > 0) line += separator;
    line +=
      text.includes(separator) || text.includes('"') || text.includes('\n') || text.includes('\r')
        ? `"${text.replace(/"/g, '""')}"`
        : text;
  }
  return `${line}\r\n`;
}

/** Rows of text go to the disk in chunks of this size or more. */
const CSV_CHUNK_CHARS = 256 * 1024;

class CsvWriter implements ExportFileWriter {
  private readonly out: WriteStream;
  private pending = '\uFEFF';

  constructor(
    path: string,
    headers: readonly string[],
    private readonly separator: string,
  ) {
    this.out = createWriteStream(path);
    this.pending += csvRecord(headers, separator);
  }

  writeRow(cells: readonly ExportCell[]): Promise<void> | void {
    this.pending += csvRecord(cells, this.separator);
    if (this.pending.length < CSV_CHUNK_CHARS) return;
    const flowing = this.out.write(this.pending);
    this.pending = '';
    if (!flowing) return once(this.out, 'drain').then(() => undefined);
  }

  async close(): Promise<void> {
    this.out.end(this.pending);
    this.pending = '';
    await once(this.out, 'finish');
  }

  abort(): void {
    this.out.destroy();
  }
}

class XlsxWriter implements ExportFileWriter {
  private readonly out: WriteStream;
  private readonly workbook: excelStream.xlsx.WorkbookWriter;
  private readonly sheet: ReturnType<excelStream.xlsx.WorkbookWriter['addWorksheet']>;
  private rows = 0;

  constructor(path: string, headers: readonly string[]) {
    this.out = createWriteStream(path);
    // Inline strings, no styles: each row is serialised and zipped as it is committed, nothing is kept.
    this.workbook = new excelStream.xlsx.WorkbookWriter({
      stream: this.out,
      useSharedStrings: false,
      useStyles: false,
    });
    this.sheet = this.workbook.addWorksheet('Contacts');
    this.sheet.addRow(headers.map(safeText)).commit();
  }

  writeRow(cells: readonly ExportCell[]): Promise<void> | void {
    this.sheet
      .addRow(cells.map((cell) => (typeof cell === 'number' ? cell : cell === null ? null : safeText(cell))))
      .commit();
    // The zip compresses in the background: every few thousand rows, let it catch up before going on.
    if (++this.rows % 2000 === 0) return new Promise((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
    if (!this.out.writableFinished) await once(this.out, 'finish');
  }

  abort(): void {
    this.out.destroy();
  }
}

export function openExportFile(
  path: string,
  format: ExportFormat,
  headers: readonly string[],
  separator: string,
): ExportFileWriter {
  return format === 'xlsx' ? new XlsxWriter(path, headers) : new CsvWriter(path, headers, separator);
}
