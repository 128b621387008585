import type { ScheduleDto, ScheduleRunDto } from './dto/schedule.dto';
import type { RunRow, ScheduleRow } from './schedules.repository';

/** How schedules and their runs are shown by the API (and in the schedule.run.* webhooks). */
const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toScheduleDto(row: ScheduleRow): ScheduleDto {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    connectionId: row.connectionId,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    nextRunAt: iso(row.nextRunAt),
    remoteDirectory: row.remoteDirectory,
    filePattern: row.filePattern,
    completion: row.completion,
    afterImport: row.afterImport,
    mappingId: row.mappingId,
    fileNameTemplate: row.fileNameTemplate,
    exportDefinition: row.exportDefinition,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toRunDto(row: RunRow): ScheduleRunDto {
  return {
    id: row.id,
    scheduleId: row.scheduleId,
    trigger: row.trigger,
    tickAt: iso(row.tickAt),
    status: row.status,
    failure: row.failure,
    filesSeen: row.filesSeen,
    filesTaken: row.filesTaken,
    files: row.files,
    importIds: row.importIds,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}
