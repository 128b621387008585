import { formatUtc } from '../../common/dates';
import type { ExportOperationDto } from './dto/export.dto';
import type { ExportRow } from './exports.repository';

/** How an export is shown by the API (the v4 `ExportOperation` and Carnet's additions), and its file names. */
const PREFIX = '/api/rest/v4';
export const archiveName = (id: number) => `export-${id}.zip`;
export const exportFileName = (row: Pick<ExportRow, 'id' | 'settings'>) => `export-${row.id}.${row.settings.format}`;

export function toExportDto(row: ExportRow): ExportOperationDto {
  const total = row.totalContact ?? 0;
  return {
    Id: row.id,
    Name: row.name,
    StartDate: formatUtc(row.createdAt),
    Status: row.status,
    Link: `${PREFIX}/contacts/export/file/${archiveName(row.id)}`,
    TotalContact: total,
    RowsWritten: row.rowsWritten,
    Progress:
      row.status === 'done' || row.status === 'expired'
        ? 100
        : total > 0
          ? Math.floor((row.rowsWritten * 100) / total)
          : 0,
    Description: row.description,
    Format: row.settings.format,
    Fields: row.settings.fields,
    Filters: row.settings.filters,
    EndDate: row.finishedAt ? formatUtc(row.finishedAt) : null,
    Failure: row.failure,
    FileSize: row.fileSize,
  };
}
