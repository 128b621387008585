import { HttpStatus } from '@nestjs/common';
import { BadRequest, Conflict, DomainError } from '../../common/errors';

/** The import's coded errors, each with a message that says what to fix (SPEC §10). */
export const importErrors = {
  columnCountMismatch: (columns: number, matchings: number) =>
    new BadRequest(
      'ImportColumnCountMismatch',
      `The file has ${columns} columns but matchings has ${matchings} entries; send one entry per column ("" to ignore a column)`,
    ),
  unknownFieldId: (id: string, place: string) =>
    new BadRequest(
      'UnknownFieldId',
      `${place} names field id ${id}, which this account does not have; list fields with GET /account/contactattribute`,
    ),
  unknownMatching: (name: string, place: string) =>
    new BadRequest(
      'UnknownMatching',
      `${place} is "${name}": use a built-in key (GET /account/contactattribute/builtin), a custom field id, "groups", or "" to ignore the column`,
    ),
  readOnlyMatching: (name: string, place: string) =>
    new BadRequest('ReadOnlyMatching', `${place} is matched to ${name}, which is read-only; ignore it`),
  repeatedMatching: (name: string, first: number, second: number) =>
    new BadRequest(
      'RepeatedMatching',
      `Columns ${first} and ${second} are both matched to ${name}; keep one and ignore the other`,
    ),
  keyNotMatched: (key: string) =>
    new BadRequest(
      'ImportKeyNotMatched',
      `No column is matched to ${key}, this account's uniqueness key; match the column holding it`,
    ),
  headerReadsAsData: (line: number, column: number, cell: string, reading: string) =>
    new BadRequest(
      'HeaderReadsAsData',
      `Line ${line} is read as the header, but its column ${column} ("${cell}") is ${reading}: it is a contact, and would be lost. ` +
        'Lower firstLine to the line holding the column names (the guided import: headerLine), or send firstLineAsHeader=false if the file has none',
      [{ field: 'firstLine', message: `line ${line} holds data`, line, column }],
    ),
  duplicatesNotAllowed: () =>
    new BadRequest(
      'DuplicatesNotAllowed',
      'duplicateOption "allowdup" needs an account that allows duplicates (setting allowDuplicates); use disallowdupupdate or disallowdup',
    ),
  badFormField: (field: string, problem: string) => new BadRequest('InvalidImportField', `${field}: ${problem}`),
  missingFile: () => new BadRequest('MissingFile', 'Attach the file to import in the multipart field "file"'),
  noDataRow: () =>
    new BadRequest(
      'NoDataRow',
      'The file has no data row after its header; check firstLine and firstLineAsHeader, or that the right sheet is chosen',
    ),
  consentRequired: () =>
    new BadRequest(
      'ConsentRequired',
      'Confirm that you hold proof of consent for the contacts of this file: send consent: true',
    ),
  draftConfirmed: (id: string) => new Conflict('DraftAlreadyConfirmed', `Draft ${id} is already confirmed`),
  draftNotReady: (what: string) => new BadRequest('DraftNotReady', what),
  filesDeleted: (kind: 'import' | 'purge', id: number, days: number) =>
    new DomainError(
      HttpStatus.GONE,
      'OperationFilesDeleted',
      `The file and report of ${kind} ${id} were deleted ${days} days after it ended (FILE_RETENTION_DAYS); its counts remain at GET /contacts/${kind}/${id}`,
    ),
  keyChangeWhileRunning: (kind: string, id: number) =>
    new Conflict(
      'ImportRunning',
      `${kind === 'purge' ? 'Purge' : 'Import'} ${id} of this account is pending or running and reads contacts by the current uniqueness key; change the key once it is done, failed or cancelled`,
    ),
  operationRunning: (id: number) =>
    new Conflict('ImportRunning', `Import ${id} is running; wait until it is done, failed or cancelled`),
};
