import { HttpStatus } from '@nestjs/common';
import { BadRequest, Conflict, DomainError } from '../../common/errors';

/** The export's coded errors, each saying what to fix. */
export const exportErrors = {
  unknownFields: (names: string[]) =>
    new BadRequest(
      'UnknownExportField',
      `Unknown field${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')} in fields: use built-in keys, ` +
        'custom field ids or "groups" (GET /exports/fields lists them)',
      names.map((name) => ({ field: 'fields', message: `unknown field "${name}"`, value: name })),
    ),
  repeatedFields: (keys: string[]) =>
    new BadRequest(
      'RepeatedExportField',
      `fields names ${keys.map((k) => `"${k}"`).join(', ')} more than once; give each field once`,
      keys.map((key) => ({ field: 'fields', message: `"${key}" is repeated`, value: key })),
    ),
  unknownFilters: (names: string[], known: readonly string[]) =>
    new BadRequest(
      'UnknownExportFilter',
      `Unknown filter${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}; filters are ${known.join(', ')}`,
      names.map((name) => ({ field: 'filters', message: `unknown filter "${name}"`, value: name })),
    ),
  badSourceDescription: (description: string) =>
    new BadRequest(
      'InvalidExportSource',
      `description "${description}" must be segment:<id>, group:<id> or import:<id> with a whole-number id ` +
        '(or any other text to export the whole base)',
      [{ field: 'description', message: 'expected segment:<id>, group:<id> or import:<id>' }],
    ),
  tooManyRowsForSheet: (count: number, limit: number) =>
    new BadRequest(
      'ExportTooLargeForSheet',
      `The selection holds ${count} contacts but an XLSX sheet holds at most ${limit} rows below its header; ` +
        'export it as CSV or narrow the selection',
      [{ field: 'format', message: `${count} contacts, at most ${limit} in XLSX` }],
    ),
  operationRunning: (id: number) =>
    new Conflict('ExportRunning', `Export ${id} is still being written; delete it once it is done or failed`),
  fileNotReady: (id: number, status: string) =>
    new Conflict('ExportFileNotReady', `Export ${id} is ${status}: its file is there once its Status is done`),
  fileExpired: (id: number, days: number) =>
    new DomainError(
      HttpStatus.GONE,
      'ExportFileExpired',
      `Export ${id}'s file was removed ${days} days after it was written; run the export again`,
    ),
};
