import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import type { AfterImport, CompletionRule } from '../remote-files';
import { RUN_STATUSES, type RunStatus, type ScheduleKind } from '../schedule.entity';

class ScheduleFieldsDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  connectionId?: number;

  /** Five fields: minute hour day-of-month month day-of-week, e.g. `0 6 * * 1-5`. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cron?: string;

  /** IANA timezone the cron expression is read in; default the account's. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  /** Default true. */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /** The remote directory to read from (import) or write to (export). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  remoteDirectory?: string;

  /** Import: a file name or glob (`contacts_*.csv`). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  filePattern?: string;

  /** Import: `stable` (size unchanged across SFTP_STABLE_SECONDS, the default) or `marker` (`<name>.done` exists). */
  @ApiProperty({ enum: ['stable', 'marker'], required: false })
  @IsOptional()
  @IsIn(['stable', 'marker'])
  completion?: CompletionRule;

  /** Import: after a file is imported, `move` it to `processed/` (default), `rename` it `<name>.imported`, or `delete` it. */
  @ApiProperty({ enum: ['move', 'rename', 'delete'], required: false })
  @IsOptional()
  @IsIn(['move', 'rename', 'delete'])
  afterImport?: AfterImport;

  /** Import: the saved mapping each file is imported with. */
  @IsOptional()
  @IsInt()
  @Min(1)
  mappingId?: number;

  /** Export: the file name with date placeholders `{yyyy} {mm} {dd} {hh} {mi} {ss}`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  fileNameTemplate?: string;

  /** Export: the export definition to replay (a finished export's source, fields and format). */
  @IsOptional()
  @IsObject()
  exportDefinition?: Record<string, unknown>;
}

export class CreateScheduleDto extends ScheduleFieldsDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;

  @ApiProperty({ enum: ['import', 'export'] })
  @IsIn(['import', 'export'])
  kind: ScheduleKind;

  @IsInt()
  @Min(1)
  declare connectionId: number;

  /** Five fields: minute hour day-of-month month day-of-week, e.g. `0 6 * * 1-5`. */
  @IsString()
  @MaxLength(200)
  declare cron: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  declare remoteDirectory: string;
}

export class UpdateScheduleDto extends ScheduleFieldsDto {}

export class ScheduleDto {
  id: number;
  name: string;
  @ApiProperty({ enum: ['import', 'export'] })
  kind: ScheduleKind;
  connectionId: number;
  cron: string;
  timezone: string;
  enabled: boolean;
  /** ISO 8601; null when disabled. */
  nextRunAt: string | null;
  remoteDirectory: string;
  filePattern: string | null;
  @ApiProperty({ enum: ['stable', 'marker'], nullable: true })
  completion: CompletionRule | null;
  @ApiProperty({ enum: ['move', 'rename', 'delete'], nullable: true })
  afterImport: AfterImport | null;
  mappingId: number | null;
  fileNameTemplate: string | null;
  exportDefinition: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export class ScheduleRunFileDto {
  name: string;
  size: number;
  /**
   * `imported`; `duplicate` (content this schedule already imported); `unsettled` (still being written: left for
   * the next run); `already_handled` (claimed or settled by an earlier run); `failed` (see `reason`); `exported`.
   */
  @ApiProperty({ enum: ['imported', 'duplicate', 'unsettled', 'already_handled', 'failed', 'exported'] })
  outcome: string;
  importId?: number;
  reason?: string;
  /** Where the remote file went (`processed/…`, `failed/…`); null when deleted. */
  movedTo?: string | null;
}

export class ScheduleRunDto {
  id: number;
  scheduleId: number;
  @ApiProperty({ enum: ['cron', 'manual'] })
  trigger: 'cron' | 'manual';
  /** The cron tick the run stands for; null for "run now". */
  tickAt: string | null;
  @ApiProperty({ enum: RUN_STATUSES })
  status: RunStatus;
  failure: string | null;
  filesSeen: number;
  filesTaken: number;
  files: ScheduleRunFileDto[];
  /** The imports the run created (in the import history). */
  importIds: number[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
