import { Injectable } from '@nestjs/common';
import type { AccountContext } from '../../common/auth.decorators';
import { NotFound } from '../../common/errors';
import type { ImportSettings } from '../imports/import-settings';
import { ImportsService } from '../imports/imports.service';
import { CreateSavedMappingDto, RenameSavedMappingDto, SavedMappingDto } from './dto/saved-mapping.dto';
import { SavedMappingsRepository, type MappingRow } from './saved-mappings.repository';
import { schedulerErrors } from './scheduler-errors';
import { SchedulesRepository } from './schedules.repository';

function toDto(row: MappingRow): SavedMappingDto {
  const s = row.settings;
  return {
    id: row.id,
    name: row.name,
    sourceImportId: row.sourceImportId,
    encoding: s.encoding,
    separator: s.separator,
    sheet: s.sheet,
    firstLine: s.firstLine,
    firstLineAsHeader: s.firstLineAsHeader,
    duplicateOption: s.duplicateOption,
    matchings: s.matchings,
    constants: s.constants,
    groupId: s.groupId,
    welcomeMessages: s.welcomeMessages,
    consent: row.consent,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Mappings saved from a finished import, replayed by scheduled imports (SPEC §9). */
@Injectable()
export class SavedMappingsService {
  constructor(
    private readonly mappings: SavedMappingsRepository,
    private readonly schedules: SchedulesRepository,
    private readonly imports: ImportsService,
  ) {}

  async create(account: AccountContext, dto: CreateSavedMappingDto): Promise<SavedMappingDto> {
    const setup = await this.imports.importSetup(account, dto.importId);
    if (setup.status !== 'done') throw schedulerErrors.importNotFinished(dto.importId, setup.status);
    // The model file's cell corrections and header are its own; each scheduled file brings its own header.
    const settings: ImportSettings = { ...setup.settings, corrections: undefined, headers: undefined };
    const name = dto.name.trim();
    const row = await this.mappings.insert(account.id, {
      name,
      sourceImportId: dto.importId,
      settings,
      consent: setup.consent,
    });
    if (!row) throw schedulerErrors.mappingNameTaken(name);
    return toDto(row);
  }

  async list(account: AccountContext): Promise<SavedMappingDto[]> {
    return (await this.mappings.list(account.id)).map(toDto);
  }

  async get(account: AccountContext, id: number): Promise<SavedMappingDto> {
    return toDto(await this.mustFind(account.id, id));
  }

  async rename(account: AccountContext, id: number, dto: RenameSavedMappingDto): Promise<SavedMappingDto> {
    const row = await this.mappings.rename(account.id, id, dto.name.trim());
    if (row === 'taken') throw schedulerErrors.mappingNameTaken(dto.name.trim());
    if (!row) throw new NotFound('SavedMapping', id);
    return toDto(row);
  }

  async delete(account: AccountContext, id: number): Promise<void> {
    await this.mustFind(account.id, id);
    if (!(await this.mappings.delete(account.id, id))) {
      throw schedulerErrors.mappingInUse(id, await this.schedules.using(account.id, 'mapping', id));
    }
  }

  /** The stored mapping (scheduled runs replay it). */
  async mustFind(accountId: string, id: number): Promise<MappingRow> {
    const row = await this.mappings.find(accountId, id);
    if (!row) throw new NotFound('SavedMapping', id);
    return row;
  }
}
