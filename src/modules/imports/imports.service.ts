import { Interval } from '@nestjs/schedule';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  StreamableFile,
} from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { AccountContext } from '../../common/auth.decorators';
import { EntityManager } from 'typeorm';
import { HousekeepingTask } from '../../common/housekeeping-task';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { ContactsService, type ErasedContact } from '../contacts/contacts.service';
import { NotFound } from '../../common/errors';
import { neutraliseFormula } from '../../common/formula-cells';
import type { FieldCatalogue } from '../fields/field-catalogue';
import { GroupsService } from '../contacts/groups.service';
import { FieldsService } from '../fields/fields.service';
import { openImportTable, type FileTable } from './file-table';
import { importErrors } from './import-errors';
import type { OperationKind } from './import-operation.entity';
import { ImportRunner } from './import-runner';
import { type ConsentRecord, type ConstantValue, type ImportSettings } from './import-settings';
import { ImportsRepository, type OperationRow } from './imports.repository';
import { ImportFormDto, ImportOperationDto, PurgeFormDto, PurgeOperationDto } from './dto/import.dto';
import { archiveName, toImportDto, toPurgeDto } from './import-views';

// Moved to import-views (the runner shows operations too, and may not import this service); kept for callers.
export { toImportDto } from './import-views';
import { readEncodingName } from './reading/encoding';
import { readDelimitedFormat } from './reading/delimited-reader';
import { importFileKind } from './reading/import-file';
import { readSeparator } from './reading/separator';
import { headerCellAsData } from './rules/header-as-data';
import { compileMatchings, plansBuiltin, type MatchingPlan } from './rules/matching-plan';
import { StoredFilesService } from '../files/stored-files.service';

export type UploadedFile = Express.Multer.File;

/**
 * Checks matchings against a table's header and first data row: one entry per column, known fields, the
 * account's uniqueness key matched (SPEC §10). Shared by the mirrored call and the guided flow.
 */
export function verifyMatchings(
  table: Pick<FileTable, 'width' | 'rawWidth' | 'headers' | 'headerLine' | 'firstRow'>,
  matchings: readonly string[],
  constants: readonly ConstantValue[],
  catalogue: FieldCatalogue,
  account: Pick<AccountContext, 'uniquenessKey' | 'defaultCountry'>,
): MatchingPlan {
  if (!table.firstRow) throw importErrors.noDataRow();
  const count = matchings.length;
  if (count !== table.width && count !== table.rawWidth) throw importErrors.columnCountMismatch(table.width, count);
  const plan = compileMatchings(matchings, table.headers, catalogue, constants);
  if (!plansBuiltin(plan, account.uniquenessKey)) throw importErrors.keyNotMatched(account.uniquenessKey);
  const asData =
    table.headerLine === undefined ? undefined : headerCellAsData(plan, table.headers, account.defaultCountry);
  if (asData) throw importErrors.headerReadsAsData(table.headerLine!, asData.column, asData.cell, asData.reading);
  return plan;
}

/** How a received file is to be read: the form's choices, with `auto` encoding and separator resolved. */
async function readingSettings(form: PurgeFormDto | ImportFormDto, upload: UploadedFile) {
  const encoding = readEncodingName(form.encoding);
  const separator = readSeparator(form.separator);
  if (importFileKind(upload.originalname) === 'workbook') return { encoding, separator, sheet: form.sheet };
  const format = await readDelimitedFormat(upload.path, { encoding, separator });
  return { encoding: format.encoding.encoding, separator: format.separator, sheet: undefined };
}

/** Housekeeping runs hourly: a file is deleted within an hour of its retention's end. */
const RETENTION_SWEEP_MS = 3600_000;

/** The mirrored v4 imports and purges: receive a file, queue it, show progress, hand back the report. */
@Injectable()
export class ImportsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportsService.name);
  private readonly retention = new HousekeepingTask('Deleting files past FILE_RETENTION_DAYS', () =>
    this.deleteExpiredFiles(),
  );

  constructor(
    private readonly imports: ImportsRepository,
    private readonly files: StoredFilesService,
    private readonly fields: FieldsService,
    private readonly groups: GroupsService,
    private readonly runner: ImportRunner,
    private readonly contacts: ContactsService,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  onModuleInit(): void {
    this.contacts.addErasureStep((em, contact) => this.eraseContact(em, contact));
  }

  onApplicationBootstrap(): void {
    // In the background: a first run after a long stop may have many files to delete.
    void this.retention.run();
  }

  @Interval(RETENTION_SWEEP_MS)
  deleteExpiredFilesHourly(): Promise<void> {
    return this.retention.run();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.retention.idle();
  }

  /**
   * Anonymisation, in its transaction: the error reports' rows holding the contact's addresses lose their cells, and
   * the uploads of the account's finished operations are deleted. Only reading every file could tell which of them
   * hold the contact (a row that matched it and changed nothing leaves no trace), and an upload is a copy of what
   * the client sent, needed only while its operation runs; the archives then hold errors.csv alone. Files of running
   * operations and of open drafts stay until FILE_RETENTION_DAYS.
   */
  private async eraseContact(em: EntityManager, contact: ErasedContact): Promise<void> {
    await this.imports.scrubRejections(em, contact.accountId, contact.emails, contact.phoneDigits);
    await this.files.remove(contact.accountId, await this.imports.finishedUploads(em, contact.accountId), em);
  }

  /** Deletes the uploads and error reports older than FILE_RETENTION_DAYS, in every account. */
  async deleteExpiredFiles(): Promise<{ reports: number; uploads: number }> {
    const reports = await this.imports.expireReports(this.config.fileRetentionDays);
    const uploads = await this.files.deleteExpiredUploads(this.config.fileRetentionDays);
    if (reports + uploads > 0) {
      this.logger.log(`Deleted ${uploads} uploads and the reports of ${reports} operations past FILE_RETENTION_DAYS`);
    }
    return { reports, uploads };
  }

  async createImport(account: AccountContext, form: ImportFormDto, upload: UploadedFile | undefined) {
    if (!upload) throw importErrors.missingFile();
    const duplicateOption = form.duplicateOption ?? 'disallowdupupdate';
    if (duplicateOption === 'allowdup' && !account.allowDuplicates) throw importErrors.duplicatesNotAllowed();
    const groupIds = [...new Set(form.groups ?? [])];
    for (const groupId of groupIds) await this.groups.get(account.id, groupId);
    const settings: ImportSettings = {
      ...(await readingSettings(form, upload)),
      firstLine: form.firstLine ?? 1,
      firstLineAsHeader: form.firstLineAsHeader ?? true,
      duplicateOption,
      matchings: form.matchings,
      constants: [],
      ...(groupIds.length > 0 ? { groupIds } : {}),
    };
    settings.headers = await this.checkMatchings(account, settings, upload);
    const row = await this.receive(account, 'import', form.name, settings, upload);
    return toImportDto(row);
  }

  async createPurge(account: AccountContext, form: PurgeFormDto, upload: UploadedFile | undefined) {
    if (!upload) throw importErrors.missingFile();
    const settings: ImportSettings = {
      ...(await readingSettings(form, upload)),
      firstLine: form.firstLine ?? 1,
      firstLineAsHeader: form.firstLineAsHeader ?? true,
      duplicateOption: 'disallowdupupdate',
      matchings: [],
      constants: [],
      keyColumn: form.keyColumn ?? 1,
    };
    const table = await openImportTable(upload.path, upload.originalname, settings, 'head');
    await table.close();
    if (!table.firstRow) throw importErrors.noDataRow();
    if (settings.keyColumn! > Math.max(table.rawWidth, table.width)) {
      throw importErrors.badFormField(
        'keyColumn',
        `the file has ${table.width} columns; keyColumn is ${settings.keyColumn}`,
      );
    }
    settings.headers = table.headers;
    return toPurgeDto(await this.receive(account, 'purge', form.name, settings, upload));
  }

  /** Stores the file, records the operation and queues it. */
  async receive(
    account: AccountContext,
    kind: OperationKind,
    name: string | undefined,
    settings: ImportSettings,
    upload: { path: string; originalname: string },
    consent: ConsentRecord | null = null,
    totalLines: number | null = null,
  ): Promise<OperationRow> {
    const stored = await this.files.store(account.id, upload.originalname, upload.path);
    const file = { id: stored.id, name: upload.originalname, sha256: stored.sha256 };
    return this.startFromStoredFile(account, kind, name, settings, file, consent, totalLines);
  }

  /**
   * Records the operation for a file already stored (the guided flow's draft), removes the account's operations
   * beyond the latest 100 with their files, and queues it.
   */
  async startFromStoredFile(
    account: AccountContext,
    kind: OperationKind,
    name: string | undefined,
    settings: ImportSettings,
    file: { id: string; name: string; sha256: string },
    consent: ConsentRecord | null = null,
    totalLines: number | null = null,
  ): Promise<OperationRow> {
    const row = await this.imports.insert(account.id, {
      kind,
      name: name?.trim() || file.name,
      settings,
      fileId: file.id,
      fileName: file.name,
      fileHash: file.sha256,
      consent,
      totalLines,
    });
    // The new operation counts among the latest 100 at once, so no caller ever sees more than 100.
    const old = await this.imports.trimHistory(account.id, kind);
    await this.files.remove(account.id, old);
    await this.runner.enqueue(row.id);
    return row;
  }

  /** A finished import's setup, kept by a saved mapping (scheduler): its status, settings and consent record. */
  async importSetup(
    account: AccountContext,
    id: number,
  ): Promise<{ status: string; settings: ImportSettings; consent: ConsentRecord | null }> {
    const row = await this.mustFind(account, 'import', id);
    return { status: row.status, settings: row.settings, consent: row.consent };
  }

  /**
   * Imports a local file with saved settings as an upload would (scheduled SFTP imports): the matchings are checked
   * against this file's header, the file is stored, the operation recorded in the history and queued.
   */
  async importLocalFile(
    account: AccountContext,
    name: string,
    settings: ImportSettings,
    file: { path: string; originalname: string },
    consent: ConsentRecord | null,
  ): Promise<ImportOperationDto> {
    const own: ImportSettings = { ...settings, corrections: undefined, headers: undefined };
    own.headers = await this.checkMatchings(account, own, file);
    return toImportDto(await this.receive(account, 'import', name, own, file, consent));
  }

  /** Reads the header and the first data row and checks the matchings against them (SPEC §10). */
  async checkMatchings(
    account: AccountContext,
    settings: ImportSettings,
    upload: Pick<UploadedFile, 'path' | 'originalname'>,
  ): Promise<string[]> {
    const table = await openImportTable(upload.path, upload.originalname, settings, 'head');
    await table.close();
    verifyMatchings(table, settings.matchings, settings.constants, await this.fields.catalogue(account.id), account);
    return table.headers;
  }

  async listImports(account: AccountContext): Promise<ImportOperationDto[]> {
    return (await this.imports.list(account.id, 'import')).map(toImportDto);
  }

  async getImport(account: AccountContext, id: number): Promise<ImportOperationDto> {
    return toImportDto(await this.mustFind(account, 'import', id));
  }

  async listPurges(account: AccountContext): Promise<PurgeOperationDto[]> {
    return (await this.imports.list(account.id, 'purge')).map(toPurgeDto);
  }

  async getPurge(account: AccountContext, id: number): Promise<PurgeOperationDto> {
    return toPurgeDto(await this.mustFind(account, 'purge', id));
  }

  /** Forgets a finished operation and its files; its contacts stay. */
  async delete(account: AccountContext, kind: OperationKind, id: number): Promise<void> {
    const row = await this.mustFind(account, kind, id);
    if (row.status === 'pending' || row.status === 'running') throw importErrors.operationRunning(id);
    const fileId = await this.imports.delete(account.id, kind, id);
    if (fileId) await this.files.remove(account.id, [fileId]);
  }

  /**
   * The archive: the original file and `errors.csv` (line, reasons, then the rejected row's cells, each through
   * the formula rule, since the cells come from the file).
   */
  async download(account: AccountContext, kind: OperationKind, fileName: string): Promise<StreamableFile> {
    const match = new RegExp(`^${kind}-(\\d+)\\.zip$`).exec(fileName);
    if (!match) throw new NotFound('File', fileName);
    const row = await this.mustFind(account, kind, Number(match[1]));
    if (row.filesDeletedAt) throw importErrors.filesDeleted(kind, row.id, this.config.fileRetentionDays);
    const zip = new ZipFile();
    // An anonymisation deletes the uploads of finished operations: the archive then holds the report alone.
    if (await this.files.exists(account.id, row.fileId)) {
      zip.addReadStream(this.files.open(account.id, row.fileId), row.fileName);
    }
    zip.addReadStream(this.errorReport(account, row), 'errors.csv');
    zip.end();
    return new StreamableFile(zip.outputStream as Readable, {
      type: 'application/zip',
      disposition: `attachment; filename="${archiveName(kind, row.id)}"`,
    });
  }

  private errorReport(account: AccountContext, row: OperationRow): Readable {
    const imports = this.imports;
    async function* records() {
      yield ['line', 'reasons', ...(row.settings.headers ?? [])].map(neutraliseFormula);
      for (let after = 0; ;) {
        const page = await imports.rejections(account.id, row.id, after, 1000);
        if (page.length === 0) return;
        for (const rejection of page) {
          yield [String(rejection.line), rejection.reasons, ...rejection.cells].map(neutraliseFormula);
        }
        after = page[page.length - 1].line;
      }
    }
    return Readable.from(records()).pipe(stringify({ delimiter: ';', bom: true }));
  }

  private async mustFind(account: AccountContext, kind: OperationKind, id: number): Promise<OperationRow> {
    const row = await this.imports.find(account.id, kind, id);
    if (!row) throw new NotFound(kind === 'import' ? 'Import' : 'Purge', id);
    return row;
  }
}
