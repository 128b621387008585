import { extname } from 'node:path';
import { inspectDelimitedFile, readDelimitedRows, type DelimitedOptions } from './delimited-reader';
import type { TextEncoding } from './encoding';
import type { FileRow } from './file-row';
import { importFileErrors } from './import-file-errors';
import type { Separator } from './separator';
import { listSheets, streamSheetRows, type SheetSummary, type WorkbookLimits } from './workbook-reader';

/** The file types an import accepts, by extension. */
export const IMPORT_FILE_TYPES = {
  '.csv': 'delimited',
  '.txt': 'delimited',
  '.xlsx': 'workbook',
  '.xls': 'workbook',
} as const;

export type ImportFileKind = (typeof IMPORT_FILE_TYPES)[keyof typeof IMPORT_FILE_TYPES];

export interface ImportFileOptions extends DelimitedOptions {
  workbookLimits?: Partial<WorkbookLimits>;
}

/** What the guided import shows before mapping columns. */
export type ImportFileInspection =
  | { kind: 'delimited'; encoding: TextEncoding; separator: Separator; rowCount: number; firstRows: FileRow[] }
  | { kind: 'workbook'; sheets: SheetSummary[] };

export interface ImportFile {
  kind: ImportFileKind;
  inspect(): Promise<ImportFileInspection>;
  /**
   * The non-blank rows, header included. CSV/TXT rows are streamed (`sheet` is ignored); workbook rows come from
   * one sheet (by default the first visible one with data). `head`: the caller reads no further than that many
   * rows, so a workbook is parsed only that far (a CSV/TXT file is streamed anyway).
   */
  rows(sheet?: string, head?: number): AsyncIterable<FileRow>;
}

/** An uploaded contact file (stored at `path`, uploaded as `originalName`), read by the reader its extension calls for. */
export function openImportFile(path: string, originalName: string, options: ImportFileOptions = {}): ImportFile {
  const kind = importFileKind(originalName);
  if (kind === 'delimited') {
    return {
      kind,
      inspect: async () => ({ kind, ...(await inspectDelimitedFile(path, options)) }),
      rows: () => readDelimitedRows(path, options),
    };
  }
  return {
    kind,
    inspect: async () => ({ kind, ...(await listSheets(path, options.workbookLimits)) }),
    rows: async function* (sheet?: string, head?: number) {
      for await (const chunk of (await streamSheetRows(path, sheet, options.workbookLimits, head)).chunks) yield* chunk;
    },
  };
}

/** The reader a file name calls for; refuses other types. */
export function importFileKind(originalName: string): ImportFileKind {
  const extension = extname(originalName).toLowerCase();
  if (Object.hasOwn(IMPORT_FILE_TYPES, extension)) {
    return IMPORT_FILE_TYPES[extension as keyof typeof IMPORT_FILE_TYPES];
  }
  throw importFileErrors.unsupportedFileType(originalName, Object.keys(IMPORT_FILE_TYPES));
}
