/** Imports and purges as the API shows them: answers, history, and the data of webhook events. */
import { formatUtc } from '../../common/dates';
import type { ImportOperationDto, PurgeOperationDto } from './dto/import.dto';
import type { OperationKind } from './import-operation.entity';
import type { OperationRow } from './imports.repository';

const PREFIX = '/api/rest/v4';
export const archiveName = (kind: OperationKind, id: number) => `${kind}-${id}.zip`;
/** What imports and purges show alike. */
function operationFields(row: OperationRow) {
  return {
    Id: row.id,
    Name: row.name,
    StartDate: formatUtc(row.createdAt),
    Status: row.status,
    Link: `${PREFIX}/contacts/${row.kind}/file/${archiveName(row.kind, row.id)}`,
    EndDate: row.finishedAt ? formatUtc(row.finishedAt) : null,
    Failure: row.failure,
  };
}

export function toImportDto(row: OperationRow): ImportOperationDto {
  return {
    ...operationFields(row),
    LineRead: row.lineRead,
    LineDuplicate: row.lineDuplicate,
    LineAdd: row.lineAdd,
    LineUpdate: row.lineUpdate,
    LineImport: row.lineAdd + row.lineUpdate,
    LineError: row.lineError,
    LineKeptOptOut: row.lineKeptOptOut,
    LineTotal: row.totalLines,
  };
}

export function toPurgeDto(row: OperationRow): PurgeOperationDto {
  return {
    ...operationFields(row),
    LineRead: row.lineRead,
    LineDelete: row.lineDelete,
    LineNotFound: row.lineRead - row.lineDelete - row.lineDuplicate - row.lineError,
    LineDuplicate: row.lineDuplicate,
    LineError: row.lineError,
  };
}
