import { Injectable } from '@nestjs/common';
import type { AccountContext } from '../../common/auth.decorators';
import { NotFound } from '../../common/errors';
import { checkCron, CronProblem, nextRunAfter } from './cron-schedule';
import { CreateScheduleDto, ScheduleDto, ScheduleRunDto, UpdateScheduleDto } from './dto/schedule.dto';
import { toRunDto, toScheduleDto } from './schedule-views';
import { SavedMappingsService } from './saved-mappings.service';
import { ScheduleRunner } from './schedule-runner';
import { schedulerErrors } from './scheduler-errors';
import { SchedulesRepository, type NewSchedule, type ScheduleRow } from './schedules.repository';
import { SftpConnectionsService } from './sftp-connections.service';

/** The next tick of an enabled schedule, from now; a bad expression or timezone is a 400 saying why. */
function nextTick(cron: string, timezone: string, enabled: boolean): Date | null {
  try {
    checkCron(cron, timezone);
    return enabled ? nextRunAfter(cron, timezone, new Date()) : null;
  } catch (error) {
    if (error instanceof CronProblem) throw schedulerErrors.badCron(error.message);
    throw error;
  }
}

/** Schedules (SPEC §9): cron and timezone, enabled flag, "run now" and the run history. */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly connections: SftpConnectionsService,
    private readonly mappings: SavedMappingsService,
    private readonly runner: ScheduleRunner,
  ) {}

  async create(account: AccountContext, dto: CreateScheduleDto): Promise<ScheduleDto> {
    // Scheduled exports need the exports module, which is not in this version: refused rather than faked.
    if (dto.kind === 'export') throw schedulerErrors.exportSchedulesNotAvailable();
    if (!dto.filePattern) throw schedulerErrors.scheduleFieldMissing('import', 'filePattern');
    if (!dto.mappingId) throw schedulerErrors.scheduleFieldMissing('import', 'mappingId');
    await this.checkReferences(account, dto);
    const timezone = dto.timezone ?? account.timezone;
    const enabled = dto.enabled ?? true;
    const schedule: NewSchedule = {
      name: dto.name.trim(),
      kind: dto.kind,
      connectionId: dto.connectionId,
      cron: dto.cron.trim(),
      timezone,
      enabled,
      nextRunAt: nextTick(dto.cron, timezone, enabled),
      remoteDirectory: dto.remoteDirectory,
      filePattern: dto.filePattern,
      completion: dto.completion ?? 'stable',
      afterImport: dto.afterImport ?? 'move',
      mappingId: dto.mappingId,
      fileNameTemplate: null,
      exportDefinition: null,
    };
    return toScheduleDto(await this.schedules.insert(account.id, schedule));
  }

  async list(account: AccountContext): Promise<ScheduleDto[]> {
    return (await this.schedules.list(account.id)).map(toScheduleDto);
  }

  async get(account: AccountContext, id: number): Promise<ScheduleDto> {
    return toScheduleDto(await this.mustFind(account, id));
  }

  async update(account: AccountContext, id: number, dto: UpdateScheduleDto): Promise<ScheduleDto> {
    const current = await this.mustFind(account, id);
    await this.checkReferences(account, dto);
    const cron = dto.cron?.trim() ?? current.cron;
    const timezone = dto.timezone ?? current.timezone;
    const enabled = dto.enabled ?? current.enabled;
    const changes: Partial<NewSchedule> = {
      name: dto.name?.trim(),
      connectionId: dto.connectionId,
      cron,
      timezone,
      enabled,
      remoteDirectory: dto.remoteDirectory,
      filePattern: dto.filePattern,
      completion: dto.completion,
      afterImport: dto.afterImport,
      mappingId: dto.mappingId,
    };
    const timing = cron !== current.cron || timezone !== current.timezone || enabled !== current.enabled;
    if (timing) changes.nextRunAt = nextTick(cron, timezone, enabled);
    const row = await this.schedules.update(account.id, id, changes);
    if (!row) throw new NotFound('Schedule', id);
    return toScheduleDto(row);
  }

  async delete(account: AccountContext, id: number): Promise<void> {
    if (!(await this.schedules.delete(account.id, id))) throw new NotFound('Schedule', id);
  }

  /** Queues a run at once, whatever the cron says; answers the queued run. */
  async runNow(account: AccountContext, id: number): Promise<ScheduleRunDto> {
    await this.mustFind(account, id);
    return toRunDto(await this.runner.runNow(account.id, id));
  }

  async listRuns(account: AccountContext, id: number): Promise<ScheduleRunDto[]> {
    await this.mustFind(account, id);
    return (await this.schedules.listRuns(account.id, id)).map(toRunDto);
  }

  async getRun(account: AccountContext, id: number, runId: number): Promise<ScheduleRunDto> {
    const run = await this.schedules.findRun(account.id, runId);
    if (!run || run.scheduleId !== id) throw new NotFound('ScheduleRun', runId);
    return toRunDto(run);
  }

  private async checkReferences(account: AccountContext, dto: UpdateScheduleDto): Promise<void> {
    if (dto.connectionId !== undefined && !(await this.connections.exists(account.id, dto.connectionId))) {
      throw new NotFound('SftpConnection', dto.connectionId);
    }
    if (dto.mappingId !== undefined) await this.mappings.mustFind(account.id, dto.mappingId);
  }

  private async mustFind(account: AccountContext, id: number): Promise<ScheduleRow> {
    const row = await this.schedules.find(account.id, id);
    if (!row) throw new NotFound('Schedule', id);
    return row;
  }
}
