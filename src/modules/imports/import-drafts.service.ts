import { Interval } from '@nestjs/schedule';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  StreamableFile,
} from '@nestjs/common';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as XLSX from '@e965/xlsx';
import type { AccountContext } from '../../common/auth.decorators';
import { NotFound } from '../../common/errors';
import { neutraliseFormula } from '../../common/formula-cells';
import { HousekeepingTask } from '../../common/housekeeping-task';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { GroupsService } from '../contacts/groups.service';
import { builtinField } from '../fields/builtin-fields';
import { FieldsService } from '../fields/fields.service';
import {
  ChooseImportDraftSheetDto,
  ConfirmImportDraftDto,
  CorrectImportDraftCellsDto,
  ImportDraftCheckedRowDto,
  ImportDraftColumnsDto,
  ImportDraftCorrectedRowsDto,
  ImportDraftCountsDto,
  ImportDraftDto,
  ImportDraftValidationDto,
  PasteImportDraftDto,
  SetImportDraftMatchingsDto,
  ValidateImportDraftDto,
} from './dto/import-draft.dto';
import type { ImportOperationDto } from './dto/import.dto';
import { openTable, type FileTable } from './file-table';
import { ImportDraftsRepository, type DraftRow } from './import-drafts.repository';
import { importErrors } from './import-errors';
import type { DraftSetup, FileInspection, FileRow, ImportSettings, SheetInspection } from './import-settings';
import { toImportDto } from './import-views';
import { verifyMatchings, ImportsService, type UploadedFile } from './imports.service';
import { importFileErrors } from './reading/import-file-errors';
import { openImportFile } from './reading/import-file';
import type { ImportEncoding } from './reading/encoding';
import type { Separator } from './reading/separator';
import { compileMatchings } from './rules/matching-plan';
import { suggestMatchings } from './rules/header-matching';
import { importTemplate } from './rules/import-template';
import { readPastedList } from './rules/pasted-list';
import { correctedRow as corrected, type CellCorrections } from './rules/corrections';
import { readImportedRow, type ImportedRow } from './rules/row-reading';
import { StoredFilesService } from '../files/stored-files.service';

const SWEEP_EVERY_MS = 10 * 60 * 1000;
const PASTED_FILE_NAME = 'liste-collee.csv';
const DEFAULT_PAGE = 100;

type Corrections = CellCorrections;

function toDraftDto(draft: DraftRow): ImportDraftDto {
  const { inspection, setup } = draft;
  return {
    id: draft.id,
    fileName: draft.fileName,
    kind: inspection.kind,
    ...(inspection.encoding ? { encoding: inspection.encoding } : {}),
    ...(inspection.separator ? { separator: inspection.separator } : {}),
    sheets: inspection.sheets,
    expiresAt: new Date(draft.expiresAt).toISOString(),
    ...(setup?.sheet !== undefined ? { sheet: setup.sheet } : {}),
    ...(setup ? { headerLine: setup.headerLine } : {}),
    ...(setup?.matchings ? { matchings: setup.matchings } : {}),
    constants: setup?.constants ?? [],
    corrections: draft.corrections,
    operationId: draft.operationId,
  };
}

const fromRows = (rows: readonly FileRow[]) => Readable.from(rows) as AsyncIterable<FileRow>;

const emptyCounts = (): ImportDraftCountsDto => ({ rows: 0, valid: 0, warning: 0, error: 0, duplicate: 0, byCode: {} });

/** What a full pass over the draft's rows hands each row to. */
type RowVisitor = (row: ImportDraftCheckedRowDto) => void;

/**
 * The guided import (SPEC §5): a draft holds the uploaded file, its inspection and the choices made step by
 * step; validation reads the stored file exactly as the import will, and confirmation starts the import from
 * the stored file. Unconfirmed drafts expire with their file.
 */
@Injectable()
export class ImportDraftsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportDraftsService.name);
  private readonly sweeper = new HousekeepingTask('Deleting expired import drafts', () => this.sweepExpired());

  constructor(
    private readonly drafts: ImportDraftsRepository,
    private readonly files: StoredFilesService,
    private readonly fields: FieldsService,
    private readonly groups: GroupsService,
    private readonly imports: ImportsService,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweeper.run();
  }

  @Interval(SWEEP_EVERY_MS)
  sweepExpiredDraftsRegularly(): Promise<void> {
    return this.sweeper.run();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.idle();
  }

  /** Deletes expired drafts and the files of those never confirmed; safe to run on several instances at once. */
  async sweepExpired(): Promise<number> {
    try {
      const expired = await this.drafts.deleteExpired();
      const byAccount = new Map<string, string[]>();
      for (const { accountId, fileId } of expired)
        byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), fileId]);
      for (const [accountId, fileIds] of byAccount) await this.files.remove(accountId, fileIds);
      return expired.length;
    } catch (error) {
      this.logger.warn(`Could not delete expired import drafts: ${String(error)}`);
      return 0;
    }
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.draftTtlHours * 3600_000);
  }

  /** Step 1: inspects the file (refusing unreadable ones), stores it and opens a draft. */
  async upload(account: AccountContext, upload: UploadedFile | undefined): Promise<ImportDraftDto> {
    if (!upload) throw importErrors.missingFile();
    return toDraftDto(await this.open(account, upload));
  }

  /** Inspects the file (refusing unreadable ones), stores it and opens a draft on it. */
  private async open(account: AccountContext, upload: Pick<UploadedFile, 'path' | 'originalname'>) {
    const inspection = await this.inspect(upload);
    const stored = await this.files.store(account.id, upload.originalname, upload.path);
    return this.drafts.insert(account.id, {
      fileId: stored.id,
      fileName: upload.originalname,
      fileHash: stored.sha256,
      inspection,
      expiresAt: this.expiry(),
    });
  }

  /**
   * Step 1 from a pasted list: the addresses become a CSV draft (`Adresse e-mail;Prénom;Nom`, bad entries kept) with
   * its sheet and matchings already chosen, so the caller goes straight to validation and confirmation.
   */
  async fromPastedText(account: AccountContext, dto: PasteImportDraftDto): Promise<ImportDraftDto> {
    const entries = readPastedList(dto.text);
    if (entries.length === 0) {
      throw importErrors.badFormField(
        'text',
        'no address found: paste addresses one per line or separated by , ; or spaces',
      );
    }
    const matchings = ['email', 'firstname', 'lastname'];
    const rows = [
      matchings.map((key) => builtinField(key)!.labelFr),
      ...entries.map((entry) => [entry.email, entry.firstname, entry.lastname]),
    ];
    const directory = await mkdtemp(join(tmpdir(), 'carnet-pasted-'));
    try {
      const upload = { path: join(directory, 'file'), originalname: PASTED_FILE_NAME };
      // The user's own input, read back by the import and kept as its original file like an upload: written as
      // pasted, since neutralising would change what is validated (`@orange.fr` would read as a valid `'@orange.fr`).
      await writeFile(upload.path, stringifySync(rows, { delimiter: ';' }));
      const draft = await this.open(account, upload);
      const setup: DraftSetup = { headerLine: 1, matchings, constants: [] };
      return toDraftDto(
        this.updated(draft.id, await this.drafts.saveSetup(account.id, draft.id, setup, this.expiry())),
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  /** The example file (seed 001): the account's importable fields as French headers, and one example row. */
  async template(account: AccountContext, format: 'csv' | 'xlsx'): Promise<StreamableFile> {
    const { headers, example } = importTemplate(await this.fields.catalogue(account.id));
    const rows = [headers, example].map((row) => row.map(neutraliseFormula));
    if (format === 'csv') {
      return new StreamableFile(Buffer.from(stringifySync(rows, { delimiter: ';', bom: true })), {
        type: 'text/csv; charset=utf-8',
        disposition: 'attachment; filename="modele-import-contacts.csv"',
      });
    }
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Contacts');
    return new StreamableFile(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer, {
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      disposition: 'attachment; filename="modele-import-contacts.xlsx"',
    });
  }

  private async inspect(upload: Pick<UploadedFile, 'path' | 'originalname'>): Promise<FileInspection> {
    const found = await openImportFile(upload.path, upload.originalname).inspect();
    if (found.kind === 'workbook') {
      return {
        kind: 'workbook',
        sheets: found.sheets.map(({ name, rowCount, firstRows }) => ({ name, rowCount, firstRows })),
      };
    }
    const { encoding, separator, rowCount, firstRows } = found;
    return { kind: 'delimited', encoding, separator, sheets: [{ name: upload.originalname, rowCount, firstRows }] };
  }

  async get(account: AccountContext, id: string): Promise<ImportDraftDto> {
    return toDraftDto(await this.mustFind(account, id));
  }

  /** Deletes a draft; its file too, unless the draft was confirmed (the import keeps it). */
  async delete(account: AccountContext, id: string): Promise<void> {
    const deleted = await this.drafts.delete(account.id, id);
    if (!deleted) throw new NotFound('ImportDraft', id);
    if (!deleted.confirmed) await this.files.remove(account.id, [deleted.fileId]);
  }

  /** Step 2: the sheet and header row; answers a suggested matching for every column. */
  async chooseSheet(
    account: AccountContext,
    id: string,
    dto: ChooseImportDraftSheetDto,
  ): Promise<ImportDraftColumnsDto> {
    const draft = await this.mustFindOpen(account, id);
    const sheet = this.pickSheet(draft.inspection, dto.sheet);
    const headerLine = dto.headerLine ?? 1;
    const table = await this.previewTable(sheet, headerLine);
    const same = draft.setup?.sheet === (draft.inspection.kind === 'workbook' ? sheet.name : undefined);
    const setup: DraftSetup = {
      ...(draft.inspection.kind === 'workbook' ? { sheet: sheet.name } : {}),
      headerLine,
      // Other columns, other matchings: those chosen for another sheet or header row no longer apply.
      ...(same && draft.setup?.headerLine === headerLine && draft.setup.matchings
        ? { matchings: draft.setup.matchings }
        : {}),
      constants: draft.setup?.constants ?? [],
    };
    this.updated(id, await this.drafts.saveSetup(account.id, id, setup, this.expiry()));
    const dataRows = sheet.firstRows.slice(headerLine);
    const width = Math.max(table.width, 1);
    const columns = Array.from({ length: width }, (_, column) => ({
      header: table.headers[column] ?? '',
      samples: dataRows.map((row) => (row.cells[column] ?? '').trim()),
    }));
    const suggestions = suggestMatchings(columns, await this.fields.catalogue(account.id), {
      uniquenessKey: account.uniquenessKey,
      defaultCountry: account.defaultCountry,
    });
    return { columns: suggestions.map((s) => ({ ...s, samples: columns[s.column].samples })) };
  }

  /** Step 2 (continued): checks the matchings as the mirrored call does, and saves them. */
  async setMatchings(account: AccountContext, id: string, dto: SetImportDraftMatchingsDto): Promise<ImportDraftDto> {
    const draft = await this.mustFindOpen(account, id);
    const setup = this.requireSheet(draft);
    const constants = dto.constants ?? [];
    const table = await this.previewTable(this.pickSheet(draft.inspection, setup.sheet), setup.headerLine);
    verifyMatchings(table, dto.matchings, constants, await this.fields.catalogue(account.id), account);
    const saved = await this.drafts.saveSetup(
      account.id,
      id,
      { ...setup, matchings: dto.matchings, constants },
      this.expiry(),
    );
    return toDraftDto(this.updated(id, saved));
  }

  /** Step 3: every row read as the import will read it; counts for the whole file, one page of rows. */
  async validate(account: AccountContext, id: string, dto: ValidateImportDraftDto): Promise<ImportDraftValidationDto> {
    const draft = await this.mustFind(account, id);
    const offset = dto.offset ?? 0;
    const limit = dto.limit ?? DEFAULT_PAGE;
    const rows: ImportDraftCheckedRowDto[] = [];
    let total = 0;
    const counts = await this.scan(account, draft, draft.corrections, (row) => {
      if (dto.onlySuspicious && row.findings.length === 0) return;
      if (total >= offset && rows.length < limit) rows.push(row);
      total++;
    });
    return { counts, total, rows };
  }

  /** Step 3 (continued): keeps cell corrections in the draft (the file is untouched) and re-reads those rows. */
  async correctCells(
    account: AccountContext,
    id: string,
    dto: CorrectImportDraftCellsDto,
  ): Promise<ImportDraftCorrectedRowsDto> {
    const draft = await this.mustFindOpen(account, id);
    const changes: Corrections = {};
    for (const { line, column, value } of dto.corrections) {
      changes[String(line)] = { ...changes[String(line)], [String(column)]: value };
    }
    const merged: Corrections = { ...draft.corrections };
    for (const [line, fixes] of Object.entries(changes)) merged[line] = { ...merged[line], ...fixes };
    const rows: ImportDraftCheckedRowDto[] = [];
    const counts = await this.scan(account, draft, merged, (row) => {
      if (Object.hasOwn(changes, String(row.line))) rows.push(row);
    });
    const found = new Set(rows.map((row) => String(row.line)));
    const missing = Object.keys(changes).find((line) => !found.has(line));
    if (missing !== undefined) {
      const index = dto.corrections.findIndex((c) => String(c.line) === missing);
      throw importErrors.badFormField(
        `corrections[${index}].line`,
        `line ${missing} is not a data row of the ${draft.inspection.kind === 'workbook' ? 'sheet' : 'file'}`,
      );
    }
    this.updated(id, await this.drafts.addCorrections(account.id, id, changes, this.expiry()));
    return { counts, rows };
  }

  /** Step 4: with consent recorded, starts the import from the stored file. */
  async confirm(account: AccountContext, id: string, dto: ConfirmImportDraftDto): Promise<ImportOperationDto> {
    const draft = await this.mustFindOpen(account, id);
    if (dto.consent !== true) throw importErrors.consentRequired();
    const setup = this.requireSheet(draft);
    if (!setup.matchings) {
      throw importErrors.draftNotReady('Set the matchings first: PUT /imports/drafts/{id}/matchings');
    }
    const duplicateOption = dto.duplicateOption ?? 'disallowdupupdate';
    if (duplicateOption === 'allowdup' && !account.allowDuplicates) throw importErrors.duplicatesNotAllowed();
    const groupIds = [...new Set([...(dto.groupId !== undefined ? [dto.groupId] : []), ...(dto.groupIds ?? [])])];
    for (const groupId of groupIds) await this.groups.get(account.id, groupId);
    const sheet = this.pickSheet(draft.inspection, setup.sheet);
    const table = await this.previewTable(sheet, setup.headerLine);
    // Fields may have changed since the matchings were set.
    verifyMatchings(table, setup.matchings, setup.constants, await this.fields.catalogue(account.id), account);
    const settings: ImportSettings = {
      encoding: draft.inspection.encoding ?? 'auto',
      separator: draft.inspection.separator,
      sheet: setup.sheet,
      firstLine: setup.headerLine || 1,
      firstLineAsHeader: setup.headerLine > 0,
      duplicateOption,
      matchings: setup.matchings,
      constants: setup.constants,
      groupIds,
      ...(dto.unsubscribe?.email || dto.unsubscribe?.sms ? { unsubscribe: { ...dto.unsubscribe } } : {}),
      welcomeMessages: dto.welcomeMessages ?? false,
      headers: table.headers,
    };
    const consent = { confirmedBy: account.login, confirmedAt: new Date().toISOString(), fileHash: draft.fileHash };
    const totalLines = Math.max(sheet.rowCount - setup.headerLine, 0);
    // Claimed first, so a concurrent second confirmation gets a 409 and never starts a second import.
    const claimed = await this.drafts.claim(account.id, id);
    if (!claimed) throw importErrors.draftConfirmed(id);
    try {
      const file = { id: claimed.fileId, name: claimed.fileName, sha256: claimed.fileHash };
      const operation = await this.imports.startFromStoredFile(
        account,
        'import',
        dto.name,
        { ...settings, corrections: claimed.corrections },
        file,
        consent,
        totalLines,
      );
      await this.drafts.settleClaim(account.id, id, operation.id);
      return toImportDto(operation);
    } catch (error) {
      await this.drafts.settleClaim(account.id, id, null);
      throw error;
    }
  }

  /**
   * Streams the stored file through the reader and the row rules exactly as the import will, flagging a
   * later row whose key an earlier one has; hands every row to `visit` and answers the counts.
   */
  private async scan(
    account: AccountContext,
    draft: DraftRow,
    corrections: Corrections,
    visit: RowVisitor,
  ): Promise<ImportDraftCountsDto> {
    const setup = this.requireSheet(draft);
    if (!setup.matchings) {
      throw importErrors.draftNotReady('Set the matchings first: PUT /imports/drafts/{id}/matchings');
    }
    const catalogue = await this.fields.catalogue(account.id);
    const context = { catalogue, defaultCountry: account.defaultCountry, uniquenessKey: account.uniquenessKey };
    const directory = await mkdtemp(join(tmpdir(), 'carnet-draft-'));
    const counts = emptyCounts();
    try {
      const path = join(directory, 'file');
      await this.files.copyTo(account.id, draft.fileId, path);
      const file = openImportFile(path, draft.fileName, {
        encoding: draft.inspection.encoding as ImportEncoding | undefined,
        separator: draft.inspection.separator as Separator | undefined,
      });
      const table = await openTable(file.rows(setup.sheet), setup.headerLine || 1, setup.headerLine > 0);
      try {
        const plan = compileMatchings(setup.matchings, table.headers, catalogue, setup.constants);
        const firstLineOf = new Map<string, number>();
        for await (const source of table.rows) {
          const { cells, columns } = corrected(source, corrections);
          const read = readImportedRow(source.line, cells, table.headers, plan, context);
          const findings = [...read.findings];
          if (read.accepted && read.key) {
            const earlier = firstLineOf.get(read.key);
            if (earlier === undefined) firstLineOf.set(read.key, source.line);
            else {
              counts.duplicate++;
              findings.push(duplicateFinding(read, earlier, account.uniquenessKey));
            }
          }
          const status = !read.accepted ? 'error' : findings.length > 0 ? 'warning' : 'valid';
          counts.rows++;
          counts[status]++;
          for (const { code } of findings) counts.byCode[code] = (counts.byCode[code] ?? 0) + 1;
          visit({ line: source.line, cells, corrected: columns, status, findings });
        }
      } finally {
        await table.close();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    return counts;
  }

  /** The header and first data row from the inspection's first rows, read as the import reads the file. */
  private async previewTable(sheet: SheetInspection, headerLine: number): Promise<FileTable> {
    if (headerLine >= sheet.rowCount) throw importErrors.noDataRow();
    if (headerLine >= sheet.firstRows.length) {
      throw importErrors.badFormField(
        'headerLine',
        `the header row must be one of the first ${sheet.firstRows.length - 1} rows`,
      );
    }
    const table = await openTable(fromRows(sheet.firstRows), headerLine || 1, headerLine > 0);
    await table.close();
    return table;
  }

  private pickSheet(inspection: FileInspection, name: string | undefined): SheetInspection {
    if (inspection.kind === 'delimited') return inspection.sheets[0];
    if (name === undefined) {
      const first = inspection.sheets.find((sheet) => sheet.rowCount > 0);
      if (!first) throw importFileErrors.emptyWorkbook();
      return first;
    }
    const sheet = inspection.sheets.find((s) => s.name === name);
    if (!sheet) {
      throw importFileErrors.sheetNotFound(
        name,
        inspection.sheets.map((s) => s.name),
      );
    }
    if (sheet.rowCount === 0) throw importFileErrors.emptySheet(name);
    return sheet;
  }

  private requireSheet(draft: DraftRow): DraftSetup {
    if (!draft.setup)
      throw importErrors.draftNotReady('Choose the sheet and header row first: PUT /imports/drafts/{id}/sheet');
    return draft.setup;
  }

  private async mustFind(account: AccountContext, id: string): Promise<DraftRow> {
    const draft = await this.drafts.find(account.id, id);
    if (!draft) throw new NotFound('ImportDraft', id);
    return draft;
  }

  /** A draft that may still change: found and not confirmed. */
  private async mustFindOpen(account: AccountContext, id: string): Promise<DraftRow> {
    const draft = await this.mustFind(account, id);
    if (draft.operationId !== null) throw importErrors.draftConfirmed(id);
    return draft;
  }

  /** An update matched nothing: the draft was confirmed (or deleted) in between. */
  private updated(id: string, row: DraftRow | undefined): DraftRow {
    if (!row) throw importErrors.draftConfirmed(id);
    return row;
  }
}

function duplicateFinding(row: ImportedRow, earlier: number, key: string) {
  return {
    code: 'row.duplicate_in_file',
    severity: 'warning' as const,
    message: `Line ${earlier} has the same ${key} (${row.key}); the later row wins`,
  };
}
