import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { AccountContext } from '../../common/auth.decorators';
import { formatUtc } from '../../common/dates';
import { BadRequest, NotFound } from '../../common/errors';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { FieldsService } from '../fields/fields.service';
import { StoredFilesService } from '../files/stored-files.service';
import { exportCatalogue, readExportFields } from './export-columns';
import { exportErrors } from './export-errors';
import { XLSX_MAX_CONTACTS } from './export-file';
import { EXPORT_FILTERS, filtersSql, readExportFilters } from './export-filters';
import { ExportRunner } from './export-runner';
import { ExportSelection } from './export-selection';
import {
  EXPORT_SEPARATORS,
  readSourceDescription,
  separatorText,
  type ExportSettings,
  type ExportSource,
} from './export-settings';
import { ExportsRepository, type ExportRow } from './exports.repository';
import { archiveName, exportFileName, toExportDto } from './export-views';
import {
  ContactExportNfoDto,
  CreateExportDto,
  ExportCatalogueDto,
  ExportOperationDto,
  ExportContentDto,
  ExportSourceDto,
} from './dto/export.dto';

function sourceOf(dto: ExportSourceDto | undefined): ExportSource {
  const given = [
    dto?.segmentId !== undefined && ({ kind: 'segment', segmentId: dto.segmentId } as const),
    dto?.groupId !== undefined && ({ kind: 'group', groupId: dto.groupId } as const),
    dto?.importId !== undefined && ({ kind: 'import', importId: dto.importId } as const),
    dto?.tree !== undefined && ({ kind: 'tree', tree: dto.tree } as const),
  ].filter((source) => source !== false);
  if (given.length > 1) {
    throw new BadRequest(
      'InvalidExportSource',
      'source takes one of segmentId, groupId, importId or tree (none: the whole base)',
      [{ field: 'source', message: 'give one of segmentId, groupId, importId, tree' }],
    );
  }
  return given[0] ?? { kind: 'all' };
}

/** The exports: check a request, record it, queue it, show its progress and hand back its file. */
@Injectable()
export class ExportsService {
  constructor(
    private readonly exports: ExportsRepository,
    private readonly files: StoredFilesService,
    private readonly fields: FieldsService,
    private readonly selection: ExportSelection,
    private readonly runner: ExportRunner,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  /** The v4 call: the source is read from `description`. */
  async createV4Export(account: AccountContext, dto: ContactExportNfoDto): Promise<ExportOperationDto> {
    const source = readSourceDescription(dto.description);
    if (source === 'invalid') throw exportErrors.badSourceDescription(dto.description ?? '');
    return this.create(account, dto.name, dto.description ?? '', source, dto);
  }

  /** Carnet's own call: the source is a JSON object. */
  async createExport(account: AccountContext, dto: CreateExportDto): Promise<ExportOperationDto> {
    return this.create(account, dto.name, '', sourceOf(dto.source), dto);
  }

  private async create(
    account: AccountContext,
    name: string | undefined,
    description: string,
    source: ExportSource,
    dto: ExportContentDto,
  ): Promise<ExportOperationDto> {
    const catalogue = await this.fields.catalogue(account.id);
    const settings: ExportSettings = {
      source,
      filters: readExportFilters(dto.filters),
      fields: readExportFields(dto.fields, catalogue),
      format: dto.format ?? 'csv',
      separator: separatorText(dto.separator ?? ';'),
      headers: dto.headers ?? 'labels',
      dates: dto.dates ?? 'dd/mm/yyyy',
      values: dto.values ?? 'labels',
    };
    // A foreign or unknown segment, group or import answers 404 here, before anything is queued.
    const predicate = await this.selection.predicate(account.id, source, 2);
    if (settings.format === 'xlsx') {
      const count = await this.exports.countContacts({
        accountId: account.id,
        where: `(${predicate.sql}) AND ${filtersSql(settings.filters)}`,
        params: predicate.params,
      });
      if (count > XLSX_MAX_CONTACTS) throw exportErrors.tooManyRowsForSheet(count, XLSX_MAX_CONTACTS);
    }
    const row = await this.exports.insert(account.id, {
      name: name?.trim() || `Export ${formatUtc(new Date())}`,
      description,
      settings,
    });
    // The new export counts among the latest 100 at once, so no caller ever sees more than 100.
    await this.files.remove(account.id, await this.exports.trimHistory(account.id));
    await this.runner.enqueue(row.id);
    return toExportDto(row);
  }

  async listExports(account: AccountContext): Promise<ExportOperationDto[]> {
    return (await this.exports.list(account.id)).map(toExportDto);
  }

  async getExport(account: AccountContext, id: number): Promise<ExportOperationDto> {
    return toExportDto(await this.mustFind(account, id));
  }

  /** Forgets an export and removes its file. */
  async deleteExport(account: AccountContext, id: number): Promise<void> {
    const row = await this.mustFind(account, id);
    if (row.status === 'pending' || row.status === 'running') throw exportErrors.operationRunning(id);
    const fileId = await this.exports.delete(account.id, id);
    if (fileId) await this.files.remove(account.id, [fileId]);
  }

  /** The v4 download: a zip holding the file, named by the export's `Link`. */
  async downloadArchive(account: AccountContext, fileName: string): Promise<StreamableFile> {
    const match = /^export-(\d+)\.zip$/.exec(fileName);
    if (!match) throw new NotFound('File', fileName);
    const row = await this.mustFind(account, Number(match[1]));
    const zip = new ZipFile();
    zip.addReadStream(this.open(account, row), exportFileName(row));
    zip.end();
    return new StreamableFile(zip.outputStream as Readable, {
      type: 'application/zip',
      disposition: `attachment; filename="${archiveName(row.id)}"`,
    });
  }

  /** The file itself (CSV or XLSX), for Carnet's own clients. */
  async downloadExportFile(account: AccountContext, id: number): Promise<StreamableFile> {
    const row = await this.mustFind(account, id);
    const stream = this.open(account, row);
    return new StreamableFile(stream, {
      type:
        row.settings.format === 'xlsx'
          ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          : 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${exportFileName(row)}"`,
      length: row.fileSize ?? undefined,
    });
  }

  async getExportFields(account: AccountContext): Promise<ExportCatalogueDto> {
    return {
      fields: exportCatalogue(await this.fields.catalogue(account.id)),
      filters: EXPORT_FILTERS,
      formats: ['csv', 'xlsx'],
      separators: [...EXPORT_SEPARATORS],
      headers: ['labels', 'keys'],
      dates: ['dd/mm/yyyy', 'iso'],
      values: ['labels', 'keys'],
    };
  }

  private open(account: AccountContext, row: ExportRow): Readable {
    if (row.status === 'expired') throw exportErrors.fileExpired(row.id, this.config.exportRetentionDays);
    if (row.status !== 'done' || !row.fileId) throw exportErrors.fileNotReady(row.id, row.status);
    return this.files.open(account.id, row.fileId);
  }

  private async mustFind(account: AccountContext, id: number): Promise<ExportRow> {
    const row = await this.exports.find(account.id, id);
    if (!row) throw new NotFound('Export', id);
    return row;
  }
}
