import * as XLSX from '@e965/xlsx';
import { isBlankRow, type FileRow } from './file-row';

/**
 * Reading a workbook's sheets as rows of text with SheetJS. This runs the spreadsheet parser, which has known
 * advisories: production calls it only inside the disposable worker (`workbook.worker.ts`).
 */

export interface SheetSummary {
  name: string;
  hidden: boolean;
  /** Non-blank rows, header included. */
  rowCount: number;
  firstRows: FileRow[];
}

/**
 * What the worker is asked: the list of sheets, or the rows of one sheet (`null`: the first with data). With
 * `head`, only the sheet's first rows are wanted, at least that many non-blank ones; the rest may be left out.
 */
export type WorkbookRequest = { path: string; firstRows: number } & (
  { want: 'sheets' } | { want: 'rows'; sheet: string | null; head?: number }
);

/**
 * Rows parsed beyond `head`, so that some blank rows at the top of a sheet do not call for a full parse. Parsing
 * stops there: for a 100,000-row sheet, 0.2 s instead of 2.3 s, and 1,000 rows to send back instead of all.
 */
const HEAD_MARGIN_ROWS = 1000;

/** The worker's answer: plain data, as errors do not cross the thread boundary as classes. */
export type WorkbookReply =
  | { kind: 'sheets'; sheets: SheetSummary[] }
  | { kind: 'rows'; sheet: string; rows: FileRow[] }
  | { kind: 'sheetNotFound'; sheet: string; sheets: string[] }
  | { kind: 'emptySheet'; sheet: string }
  | { kind: 'emptyWorkbook' }
  | { kind: 'encrypted' }
  | { kind: 'unreadable'; reason: string };

/**
 * What the worker posts: a reply, except that a sheet's rows are announced (`rowsStart`) and then sent a chunk per
 * request of the reader (`rowsChunk`, `done` on the last), never all in one message.
 */
export type WorkerMessage =
  | Exclude<WorkbookReply, { kind: 'rows' }>
  | { kind: 'rowsStart'; sheet: string; rowCount: number }
  | { kind: 'rowsChunk'; rows: FileRow[]; done: boolean };

const PARSING: XLSX.ParsingOptions = {
  type: 'buffer',
  dense: true,
  cellNF: true,
  cellText: true,
  cellDates: false,
  cellFormula: false,
  cellHTML: false,
  cellStyles: false,
  sheetStubs: false,
  bookVBA: false,
};

export function readWorkbookBuffer(buffer: Buffer, request: WorkbookRequest): WorkbookReply {
  if (request.want === 'rows' && request.head !== undefined) {
    const head = parseWorkbook(buffer, request, request.head);
    if (head.complete) return head.reply;
  }
  return parseWorkbook(buffer, request).reply;
}

/**
 * Parses the workbook and answers the request; given `head`, parses each sheet only to `head` rows and a margin.
 * `complete` is false when a sheet consulted was cut short before `head` non-blank rows: a full parse must answer.
 */
function parseWorkbook(
  buffer: Buffer,
  request: WorkbookRequest,
  head?: number,
): { reply: WorkbookReply; complete: boolean } {
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(buffer, head === undefined ? PARSING : { ...PARSING, sheetRows: head + HEAD_MARGIN_ROWS });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/password/i.test(reason)) return { reply: { kind: 'encrypted' }, complete: true };
    return { reply: { kind: 'unreadable', reason: shortReason(reason) }, complete: true };
  }
  let complete = true;
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;
  const hidden = (name: string) => (workbook.Workbook?.Sheets?.find((sheet) => sheet.name === name)?.Hidden ?? 0) !== 0;
  const rowsOf = (name: string) => {
    const sheet = workbook.Sheets[name];
    const rows = sheetRows(sheet, date1904);
    // SheetJS keeps the whole range in `!fullref` when it stopped early.
    if (head !== undefined && sheet?.['!fullref'] !== undefined && rows.length < head) complete = false;
    return rows;
  };
  return { reply: answer(workbook, request, rowsOf, hidden), complete };
}

/** The reply to a request about a parsed workbook, its sheets' rows read with `rowsOf`. */
function answer(
  workbook: XLSX.WorkBook,
  request: WorkbookRequest,
  rowsOf: (name: string) => FileRow[],
  hidden: (name: string) => boolean,
): WorkbookReply {
  if (request.want === 'sheets') {
    return {
      kind: 'sheets',
      sheets: workbook.SheetNames.map((name) => {
        const rows = rowsOf(name);
        return { name, hidden: hidden(name), rowCount: rows.length, firstRows: rows.slice(0, request.firstRows) };
      }),
    };
  }
  if (request.sheet !== null) {
    if (!workbook.SheetNames.includes(request.sheet)) {
      return { kind: 'sheetNotFound', sheet: request.sheet, sheets: workbook.SheetNames };
    }
    const rows = rowsOf(request.sheet);
    return rows.length === 0
      ? { kind: 'emptySheet', sheet: request.sheet }
      : { kind: 'rows', sheet: request.sheet, rows };
  }
  // No sheet named: the first visible one with data.
  for (const name of workbook.SheetNames.filter((name) => !hidden(name))) {
    const rows = rowsOf(name);
    if (rows.length > 0) return { kind: 'rows', sheet: name, rows };
  }
  return { kind: 'emptyWorkbook' };
}

function shortReason(message: string): string {
  const line = message.split('\n')[0].trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line || 'unknown error';
}

/** The non-blank rows of a sheet, numbered as in the spreadsheet, from the first to the last column of its range. */
export function sheetRows(sheet: XLSX.WorkSheet | undefined, date1904 = false): FileRow[] {
  const ref = sheet?.['!ref'];
  if (!sheet || !ref) return [];
  const range = XLSX.utils.decode_range(ref);
  const cellAt = cellReader(sheet);
  const rows: FileRow[] = [];
  for (let r = range.s.r; r <= range.e.r; r++) {
    const cells: string[] = [];
    for (let c = range.s.c; c <= range.e.c; c++) cells.push(cellText(cellAt(r, c), date1904));
    if (!isBlankRow(cells)) rows.push({ line: r + 1, cells });
  }
  return rows;
}

/** Dense sheets are arrays of rows (SheetJS 0.18) or keep them in `!data` (0.19+); sparse ones are keyed `A1`. */
function cellReader(sheet: XLSX.WorkSheet): (r: number, c: number) => XLSX.CellObject | undefined {
  const dense = (sheet as { '!data'?: unknown })['!data'] ?? sheet;
  if (Array.isArray(dense)) {
    const data = dense as (XLSX.CellObject[] | undefined)[];
    return (r, c) => data[r]?.[c];
  }
  return (r, c) => sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
}

/** Excel's "short date" formats, which it shows in the user's locale (12/03/1985 in France): read as ISO dates. */
const LOCALE_DATE_FORMATS = new Map([
  ['m/d/yy', false],
  ['m/d/yy h:mm', true],
]);

interface DateCode {
  y: number;
  m: number;
  d: number;
  H: number;
  M: number;
}
const SSF = XLSX.SSF as { parse_date_code(value: number, options?: { date1904?: boolean }): DateCode | null };

/**
 * The text of a cell as the user typed or sees it: the formatted text of numbers and dates (a formula gives its
 * cached value), ISO `yyyy-MM-dd` for Excel's locale short dates, the digits of whole numbers in the General format
 * (a phone typed as a number), TRUE/FALSE for booleans, '' for empty cells.
 */
export function cellText(cell: XLSX.CellObject | undefined, date1904 = false): string {
  if (!cell || cell.v == null) return cell?.t === 'e' ? (cell.w ?? '') : '';
  switch (cell.t) {
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'n':
      return numberText(cell, Number(cell.v), date1904);
    case 'e':
      return cell.w ?? '';
    case 'd':
      return cell.v instanceof Date ? cell.v.toISOString().slice(0, 10) : String(cell.v);
    case 'z':
      return '';
    case 's':
      return String(cell.v);
  }
}

function numberText(cell: XLSX.CellObject, value: number, date1904: boolean): string {
  const format = typeof cell.z === 'string' ? cell.z : 'General';
  if (format === 'General' && Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const withTime = LOCALE_DATE_FORMATS.get(format);
  if (withTime !== undefined) {
    const date = SSF.parse_date_code(value, { date1904 });
    if (date) {
      const day = `${String(date.y).padStart(4, '0')}-${pad(date.m)}-${pad(date.d)}`;
      return withTime ? `${day} ${pad(date.H)}:${pad(date.M)}` : day;
    }
  }
  return cell.w ?? String(value);
}

const pad = (n: number) => String(n).padStart(2, '0');
