import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';
import type { AfterImport, CompletionRule } from './remote-files';
import { SavedMapping } from './saved-mapping.entity';
import { SftpConnection } from './sftp-connection.entity';

export type ScheduleKind = 'import' | 'export';
export const RUN_STATUSES = ['queued', 'running', 'done', 'nothing_to_do', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What a run did with one remote file. */
export interface RunFile {
  name: string;
  size: number;
  outcome: 'imported' | 'duplicate' | 'unsettled' | 'already_handled' | 'failed' | 'exported';
  importId?: number;
  reason?: string;
  /** Where the file went after the run (`processed/…`, `failed/…`), or null when deleted. */
  movedTo?: string | null;
}

/** Where a scheduled export comes from; kept as given, replayed by the exports module. */
export type ExportDefinition = Record<string, unknown>;

/** A cron-driven SFTP import (files in a directory, replayed with a saved mapping) or export. */
@Entity()
@Index('schedule_due_idx', ['nextRunAt'], { where: 'enabled' })
@Index('schedule_account_idx', ['accountId', 'id'])
export class Schedule {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  name: string;

  @Column('text')
  kind: ScheduleKind;

  @ManyToOne(() => SftpConnection, { onDelete: 'RESTRICT', nullable: false })
  connection: SftpConnection;

  @Column('bigint')
  connectionId: number;

  /** Five fields: minute hour day month weekday. */
  @Column('text')
  cron: string;

  @Column('text')
  timezone: string;

  @Column('boolean', { default: true })
  enabled: boolean;

  /** The next tick this schedule is due at; advanced by whichever instance enqueues the run. */
  @Column('timestamptz', { nullable: true })
  nextRunAt: Date | null;

  @Column('text')
  remoteDirectory: string;

  /** Import: the file name or glob to take. */
  @Column('text', { nullable: true })
  filePattern: string | null;

  @Column('text', { nullable: true })
  completion: CompletionRule | null;

  @Column('text', { nullable: true })
  afterImport: AfterImport | null;

  @ManyToOne(() => SavedMapping, { onDelete: 'RESTRICT', nullable: true })
  mapping: SavedMapping | null;

  @Column('bigint', { nullable: true })
  mappingId: number | null;

  /** Export: the file name with date placeholders (`contacts_{yyyy}{mm}{dd}.csv`). */
  @Column('text', { nullable: true })
  fileNameTemplate: string | null;

  @Column('jsonb', { nullable: true })
  exportDefinition: ExportDefinition | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** One run of a schedule: a cron tick (once per tick, whatever the number of instances) or a "run now". */
@Entity()
@Index('schedule_run_tick_key', ['scheduleId', 'tickAt'], { unique: true })
@Index('schedule_run_history_idx', ['accountId', 'scheduleId', 'id'])
export class ScheduleRun {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @ManyToOne(() => Schedule, { onDelete: 'CASCADE', nullable: false })
  schedule: Schedule;

  @Column('bigint')
  scheduleId: number;

  @Column('text')
  trigger: 'cron' | 'manual';

  /** The cron tick this run stands for (null for "run now"). */
  @Column('timestamptz', { nullable: true })
  tickAt: Date | null;

  @Column('text', { default: 'queued' })
  status: RunStatus;

  @Column('text', { nullable: true })
  failure: string | null;

  @Column('integer', { default: 0 })
  filesSeen: number;

  @Column('integer', { default: 0 })
  filesTaken: number;

  @Column('jsonb', { default: () => "'[]'" })
  files: RunFile[];

  @Column('jsonb', { default: () => "'[]'" })
  importIds: number[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  heartbeatAt: Date | null;
}

/**
 * A remote file a schedule claimed before taking it, so two instances never import it twice: the claim key is
 * (schedule, path, size, modification time), and a content hash already imported by the schedule is a duplicate.
 */
@Entity()
@Index('schedule_file_claim_key', ['scheduleId', 'path', 'size', 'modifiedAt'], { unique: true })
@Index('schedule_file_content_key', ['scheduleId', 'contentHash'], {
  unique: true,
  where: `content_hash IS NOT NULL AND status IN ('claimed', 'imported')`,
})
export class ScheduleFile {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @ManyToOne(() => Schedule, { onDelete: 'CASCADE', nullable: false })
  schedule: Schedule;

  @Column('bigint')
  scheduleId: number;

  @Column('text')
  path: string;

  @Column('bigint')
  size: number;

  @Column('timestamptz')
  modifiedAt: Date;

  @Column('text', { nullable: true })
  contentHash: string | null;

  /** `claimed` while a run takes it; then `imported`, `duplicate` or `failed`. */
  @Column('text')
  status: 'claimed' | 'imported' | 'duplicate' | 'failed';

  @Column('bigint')
  runId: number;

  @Column('bigint', { nullable: true })
  importId: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  claimedAt: Date;
}
