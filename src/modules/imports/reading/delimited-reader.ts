import { parse, type CsvError } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  decodeText,
  decodingStream,
  detectEncoding,
  looksBinary,
  resolveEncoding,
  type DetectedEncoding,
  type ImportEncoding,
  type TextEncoding,
} from './encoding';
import { isBlankRow, type FileRow } from './file-row';
import { importFileErrors } from './import-file-errors';
import { detectSeparator, type Separator } from './separator';

export interface DelimitedOptions {
  /** Canonical name (see `readEncodingName`); `auto` (default) detects it. */
  encoding?: ImportEncoding;
  /** See `readSeparator`; detected when absent. */
  separator?: Separator;
}

export interface DelimitedFormat {
  encoding: DetectedEncoding;
  separator: Separator;
}

export interface DelimitedInspection {
  encoding: TextEncoding;
  separator: Separator;
  /** Non-blank records, header included. */
  rowCount: number;
  firstRows: FileRow[];
}

/** Only this much of the file is read to detect its encoding and separator. */
export const SAMPLE_BYTES = 64 * 1024;
/** A longer record is refused: it is nearly always an unclosed quote swallowing the rest of the file. */
export const MAX_RECORD_CHARS = 1_000_000;
export const FIRST_ROWS = 20;

/** The encoding and separator of a CSV/TXT file, from its first 64 KiB; refuses empty and binary files. */
export async function readDelimitedFormat(path: string, options: DelimitedOptions = {}): Promise<DelimitedFormat> {
  const sample = await readSample(path, SAMPLE_BYTES);
  if (sample.length === 0) throw importFileErrors.emptyFile();
  // Whether the bytes are text does not depend on the encoding asked for.
  if (looksBinary(sample, detectEncoding(sample))) throw importFileErrors.notATextFile();
  const encoding = resolveEncoding(options.encoding ?? 'auto', sample);
  const separator = options.separator ?? detectSeparator(decodeText(sample, encoding));
  return { encoding, separator };
}

/** The non-blank records of a CSV/TXT file, streamed. Throws `EmptyFile` at the end when there are none. */
export async function* readDelimitedRows(path: string, options: DelimitedOptions = {}): AsyncGenerator<FileRow> {
  yield* parseDelimitedRows(path, await readDelimitedFormat(path, options));
}

/** Encoding, separator, row count and first rows of a CSV/TXT file; streams the whole file, keeping only the first rows. */
export async function inspectDelimitedFile(path: string, options: DelimitedOptions = {}): Promise<DelimitedInspection> {
  const format = await readDelimitedFormat(path, options);
  const firstRows: FileRow[] = [];
  let rowCount = 0;
  for await (const row of parseDelimitedRows(path, format)) {
    if (rowCount < FIRST_ROWS) firstRows.push(row);
    rowCount++;
  }
  return { encoding: format.encoding.encoding, separator: format.separator, rowCount, firstRows };
}

/** Line breaks inside a record's values (quoted ones): the lines it spans after its first. */
function innerLineBreaks(cells: string[]): number {
  let breaks = 0;
  for (const cell of cells) {
    if (!cell.includes('\n') && !cell.includes('\r')) continue;
    for (let i = 0; i < cell.length; i++) if (cell[i] === '\n' || cell[i] === '\r') breaks++;
  }
  return breaks;
}

/** The non-blank records of a CSV/TXT file of known format, streamed, with the line each starts on. */
export async function* parseDelimitedRows(path: string, format: DelimitedFormat): AsyncGenerator<FileRow> {
  const parser = parse({
    delimiter: format.separator,
    // `"` as the separator leaves no quote character.
    quote: format.separator === '"' ? false : '"',
    relax_column_count: true,
    relax_quotes: true,
    // Empty lines come as records of one empty value, skipped below: every line is then counted here, which
    // spares csv-parse's information object per record (a third of its time in a profile of an import).
    skip_empty_lines: false,
    trim: false,
    max_record_size: MAX_RECORD_CHARS,
  });
  const records = pipeline(
    createReadStream(path),
    decodingStream(format.encoding),
    new LineFeeds(),
    parser,
    () => undefined, // errors surface through the iteration below
  );

  // A record starts on the line after the previous one ends; it ends as many lines further as it holds breaks.
  let line = 1;
  let yielded = 0;
  try {
    for await (const record of records as AsyncIterable<string[]>) {
      const start = line;
      line += 1 + innerLineBreaks(record);
      if (isBlankRow(record)) continue;
      yielded++;
      yield { line: start, cells: record };
    }
  } catch (error) {
    throw csvError(error, line);
  }
  if (yielded === 0) throw importFileErrors.emptyFile();
}

/** A csv-parse error as an import file error, at `line`: where the record that failed starts. */
function csvError(error: unknown, line: number): unknown {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return error;
  if (!error.code.startsWith('CSV_')) return error;
  const code = (error as CsvError).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED') return importFileErrors.unclosedQuote(line);
  if (code === 'CSV_MAX_RECORD_SIZE') return importFileErrors.recordTooLong(line, MAX_RECORD_CHARS);
  return importFileErrors.malformedCsv(line, error.message);
}

async function readSample(path: string, size: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await file.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * Turns CR LF into LF. csv-parse counts a CR LF inside a quoted value as two lines; with LF alone its line numbers
 * are right. Line breaks inside quoted values therefore read as LF.
 */
class LineFeeds extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private pendingCarriageReturn = false;

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    let text =
      (this.pendingCarriageReturn ? '\r' : '') + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    this.pendingCarriageReturn = text.endsWith('\r');
    if (this.pendingCarriageReturn) text = text.slice(0, -1);
    if (text !== '') this.push(text.replace(/\r\n/g, '\n'));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const rest = (this.pendingCarriageReturn ? '\r' : '') + this.decoder.end();
    if (rest !== '') this.push(rest.replace(/\r\n/g, '\n'));
    callback();
  }
}
