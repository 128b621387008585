import { BadRequest } from '../../../common/errors';

/**
 * Every refusal of an uploaded contact file, named in one place.
 * Each message says what the user should do about it.
 */
export const importFileErrors = {
  unsupportedFileType: (fileName: string, accepted: readonly string[]) =>
    new BadRequest(
      'UnsupportedFileType',
      `${JSON.stringify(fileName)} is not a file type we can import; upload one of: ${accepted.join(', ')}`,
    ),

  unsupportedEncoding: (raw: string, accepted: readonly string[]) =>
    new BadRequest(
      'UnsupportedEncoding',
      `The encoding ${JSON.stringify(raw)} is not supported; use one of: ${accepted.join(', ')}`,
    ),

  unsupportedSeparator: (raw: string, accepted: readonly string[]) =>
    new BadRequest(
      'UnsupportedSeparator',
      `The separator ${JSON.stringify(raw)} is not supported; use one of: ${accepted.join(' ')}`,
    ),

  emptyFile: () => new BadRequest('EmptyFile', 'The file is empty; export your contacts again and upload that file'),

  notATextFile: () =>
    new BadRequest('NotATextFile', 'The file is not a text file; upload a CSV/TXT export or an .xlsx workbook'),

  unclosedQuote: (line: number) =>
    new BadRequest(
      'MalformedCsv',
      `The quoted value starting on line ${line} is never closed; add the missing double quote (") and upload the file again`,
      [{ line, message: 'Quote not closed' }],
    ),

  recordTooLong: (line: number, maxChars: number) =>
    new BadRequest(
      'MalformedCsv',
      `The row starting on line ${line} is longer than ${maxChars} characters, usually because of a missing double quote ("); fix that row and upload the file again`,
      [{ line, message: 'Row too long' }],
    ),

  malformedCsv: (line: number, reason: string) =>
    new BadRequest(
      'MalformedCsv',
      `The file could not be read as CSV near line ${line} (${reason}); fix that line or export the file again`,
      [{ line, message: reason }],
    ),

  encryptedWorkbook: () =>
    new BadRequest(
      'EncryptedWorkbook',
      'The workbook is password-protected; save it without a password and upload it again',
    ),

  unreadableWorkbook: (reason: string) =>
    new BadRequest(
      'UnreadableWorkbook',
      `The file could not be read as a workbook: ${reason}; open it in Excel and save it again as .xlsx`,
    ),

  workbookTooLarge: (uncompressedBytes: number, maxBytes: number) =>
    new BadRequest(
      'WorkbookTooLarge',
      `The workbook holds ${megabytes(uncompressedBytes)} MB of data once unpacked, more than the ${megabytes(maxBytes)} MB we accept; save the sheet as CSV (UTF-8) and import that`,
    ),

  workbookOutOfMemory: () =>
    new BadRequest(
      'WorkbookTooLarge',
      'The workbook is too big to read; save the sheet as CSV (UTF-8) and import that',
    ),

  zipBomb: (entry: string, ratio: number) =>
    new BadRequest(
      'ZipBomb',
      `The workbook part ${JSON.stringify(entry)} unpacks to ${Math.round(ratio)} times its packed size, which is not a normal workbook; open it in Excel and save it again, or save the sheet as CSV (UTF-8)`,
    ),

  workbookTooComplex: (seconds: number) =>
    new BadRequest(
      'WorkbookTooComplex',
      `The workbook took longer than ${seconds} s to read; save the sheet as CSV (UTF-8) and import that`,
    ),

  sheetNotFound: (sheet: string, sheets: readonly string[]) =>
    new BadRequest(
      'SheetNotFound',
      `The workbook has no sheet named ${JSON.stringify(sheet)}; choose one of: ${sheets.map((name) => JSON.stringify(name)).join(', ')}`,
      sheets.map((name) => ({ field: 'sheet', message: 'Existing sheet', sheet: name })),
    ),

  emptyWorkbook: () =>
    new BadRequest('EmptyFile', 'The workbook has no sheet with data; fill in a sheet and upload the workbook again'),

  emptySheet: (sheet: string) =>
    new BadRequest(
      'EmptySheet',
      `The sheet ${JSON.stringify(sheet)} is empty; choose the sheet that holds your contacts`,
    ),
};

function megabytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return mb >= 10 ? String(Math.round(mb)) : mb.toFixed(1);
}
