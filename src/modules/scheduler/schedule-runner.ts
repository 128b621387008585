import { Interval } from '@nestjs/schedule';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';
import type { AccountContext } from '../../common/auth.decorators';
import { DomainError } from '../../common/errors';
import { HousekeepingTask } from '../../common/housekeeping-task';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { JobQueue } from '../../queue/job-queue';
import { AccountsService } from '../accounts/accounts.service';
import { ImportsService } from '../imports/imports.service';
import { nextRunAfter } from './cron-schedule';
import {
  afterImportPath,
  candidateFiles,
  distinctName,
  FAILED_DIR,
  PROCESSED_DIR,
  remotePath,
  settledFiles,
  type AfterImport,
  type RemoteEntry,
} from './remote-files';
import type { MappingRow } from './saved-mappings.repository';
import { SavedMappingsService } from './saved-mappings.service';
import type { RunFile } from './schedule.entity';
import { toRunDto } from './schedule-views';
import { WebhooksService } from '../webhooks/webhooks.service';
import { SchedulesRepository, type RunRow, type ScheduleRow } from './schedules.repository';
import { SftpConnectionsService } from './sftp-connections.service';
import { SftpSession } from './sftp-session';

export const SCHEDULE_TICK_QUEUE = 'schedule-tick';
export const SCHEDULE_RUN_QUEUE = 'schedule-run';
/** A queued run whose job has not started after this long is sent again (its first send may have been lost). */
const RESEND_AFTER_SECONDS = 120;

/** What a run is doing, written to its row as it goes. */
interface RunProgress {
  filesSeen: number;
  filesTaken: number;
  files: RunFile[];
  importIds: number[];
}

interface ImportRun {
  run: RunRow;
  schedule: ScheduleRow;
  mapping: MappingRow;
  account: AccountContext;
  session: SftpSession;
  directory: string;
  progress: RunProgress;
}

/**
 * Runs schedules, exactly once across instances: a pg-boss cron job ticks every minute and only enqueues; the
 * instance that moves a due schedule to its next tick records that tick's run (unique per schedule and tick) and
 * sends its job; one worker starts the run; each remote file is claimed in the database before it is taken.
 */
@Injectable()
export class ScheduleRunner implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleRunner.name);
  private readonly sweeper = new HousekeepingTask('Sweeping schedule runs', () => this.sweep());

  constructor(
    private readonly queue: JobQueue,
    private readonly schedules: SchedulesRepository,
    private readonly connections: SftpConnectionsService,
    private readonly mappings: SavedMappingsService,
    private readonly imports: ImportsService,
    private readonly accounts: AccountsService,
    private readonly webhooks: WebhooksService,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  onModuleInit(): void {
    this.queue.register(SCHEDULE_TICK_QUEUE, async () => void (await this.tick()), {
      retryLimit: 0,
      expireInSeconds: 300,
    });
    this.queue.registerCron(SCHEDULE_TICK_QUEUE, '* * * * *');
    this.queue.register<{ runId: number }>(SCHEDULE_RUN_QUEUE, ({ runId }) => this.run(runId), {
      retryLimit: 0,
      expireInSeconds: 6 * 3600,
    });
  }

  /** At start (in the background) and every minute. */
  onApplicationBootstrap(): void {
    void this.sweeper.run();
  }

  @Interval(60_000)
  sweepRunsEveryMinute(): Promise<void> {
    return this.sweeper.run();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.idle();
  }

  /**
   * The cron tick: each due schedule moves to its next tick (from now, so ticks missed while every instance was
   * down make one run, not one per missed minute) and its run is queued. Only enqueues.
   */
  async tick(now = new Date()): Promise<number[]> {
    const queued: number[] = [];
    for (const schedule of await this.schedules.due(now)) {
      const next = nextRunAfter(schedule.cron, schedule.timezone, now);
      const taken = await this.schedules.takeTick(schedule, now, next);
      if (taken === null) continue;
      const { runId, tickAt } = taken;
      await this.queue.send(
        SCHEDULE_RUN_QUEUE,
        { runId },
        {
          singletonKey: `schedule-${schedule.id}-${tickAt.toISOString()}`,
          singletonSeconds: 3600,
        },
      );
      queued.push(runId);
    }
    return queued;
  }

  async runNow(accountId: string, scheduleId: number): Promise<RunRow> {
    const run = await this.schedules.insertManualRun(accountId, scheduleId);
    await this.queue.send(SCHEDULE_RUN_QUEUE, { runId: run.id });
    return run;
  }

  /** Every minute on each instance: runs whose instance died end as failed; queued runs whose job was lost go again. */
  private async sweep(): Promise<void> {
    await this.schedules.failStaleRuns();
    for (const runId of await this.schedules.waitingRuns(RESEND_AFTER_SECONDS)) {
      await this.queue.send(SCHEDULE_RUN_QUEUE, { runId });
    }
  }

  /** The job: starts the run unless another worker did, runs it, and records its end. */
  async run(runId: number): Promise<void> {
    const run = await this.schedules.startRun(runId);
    if (!run) return;
    const heartbeat = setInterval(() => {
      this.schedules.heartbeat(runId).catch((error: unknown) => this.logger.warn(error));
    }, 10_000);
    const progress: RunProgress = { filesSeen: 0, filesTaken: 0, files: [], importIds: [] };
    let outcome: { status: 'done' | 'nothing_to_do' | 'failed'; failure: string | null };
    try {
      await this.importRun(run, progress);
      const failed = progress.files.filter((file) => file.outcome === 'failed');
      outcome = failed.length
        ? { status: 'failed', failure: failed.map((file) => `${file.name}: ${file.reason}`).join('; ') }
        : { status: progress.filesTaken > 0 ? 'done' : 'nothing_to_do', failure: null };
    } catch (error) {
      if (!(error instanceof DomainError)) this.logger.error(error);
      const failure = error instanceof DomainError ? error.message : 'An internal error stopped the run';
      outcome = { status: 'failed', failure };
    } finally {
      clearInterval(heartbeat);
    }
    await this.schedules.recordProgress(runId, progress);
    const ended = await this.schedules.transaction(async (em) => {
      const row = await this.schedules.finishRun(em, runId, outcome.status, outcome.failure);
      await this.runEnded(em, row);
      return row;
    });
    this.logger.log(
      `Schedule ${ended.scheduleId} run ${runId}: ${ended.status}` +
        `${ended.failure ? ` (${ended.failure})` : ''}, ${ended.filesTaken}/${ended.filesSeen} files taken`,
    );
  }

  /**
   * The single point where a run ends, inside the transaction that records its end: its webhook event (SPEC §10)
   * commits with the outcome, so it is sent once per ended run.
   */
  private async runEnded(em: EntityManager, run: RunRow): Promise<void> {
    const type = run.status === 'failed' ? 'schedule.run.failed' : 'schedule.run.finished';
    await this.webhooks.recordEvent(em, run.accountId, type, { ...toRunDto(run) });
  }

  private async importRun(run: RunRow, progress: RunProgress): Promise<void> {
    const schedule = await this.schedules.find(run.accountId, run.scheduleId);
    if (!schedule) return;
    const account = await this.accounts.contextOf(run.accountId);
    const mapping = await this.mappings.mustFind(run.accountId, schedule.mappingId!);
    const target = await this.connections.target(run.accountId, schedule.connectionId);
    const session = await SftpSession.open(target);
    const local = await mkdtemp(join(tmpdir(), 'carnet-schedule-'));
    try {
      const state: ImportRun = {
        run,
        schedule,
        mapping,
        account,
        session,
        directory: schedule.remoteDirectory,
        progress,
      };
      const pattern = schedule.filePattern!;
      const completion = schedule.completion ?? 'stable';
      const first = candidateFiles(await session.files(state.directory), pattern, completion);
      progress.filesSeen = first.length;
      await this.schedules.recordProgress(run.id, progress);
      let ready = first;
      if (completion === 'stable' && first.length > 0) {
        await sleep(this.config.sftpStableSeconds * 1000);
        const second = candidateFiles(await session.files(state.directory), pattern, completion);
        const { settled, unsettled } = settledFiles(first, second);
        for (const entry of unsettled)
          progress.files.push({ name: entry.name, size: entry.size, outcome: 'unsettled' });
        ready = settled;
      }
      for (const entry of ready) {
        await this.takeFile(state, entry, local);
        await this.schedules.recordProgress(run.id, progress);
      }
    } finally {
      await session.close();
      await rm(local, { recursive: true, force: true });
    }
  }

  /** Claims, downloads, deduplicates, imports and moves one remote file. */
  private async takeFile(state: ImportRun, entry: RemoteEntry, local: string): Promise<void> {
    const { session, directory, progress, schedule } = state;
    const path = remotePath(directory, entry.name);
    const claim = await this.schedules.claimFile(state.run, path, entry);
    if (claim === null) {
      progress.files.push({ name: entry.name, size: entry.size, outcome: 'already_handled' });
      return;
    }
    const localPath = join(local, `${claim}-${entry.name.replace(/[^\w.-]/g, '_')}`);
    let hash: string;
    try {
      hash = await session.download(path, localPath);
    } catch (error) {
      await this.schedules.releaseClaim(claim);
      throw error;
    }
    if (!(await this.schedules.recordContent(claim, hash))) {
      const movedTo = await this.moveAfter(
        session,
        directory,
        entry.name,
        schedule.afterImport ?? 'move',
        state.run.id,
      );
      progress.files.push({ name: entry.name, size: entry.size, outcome: 'duplicate', movedTo });
      return;
    }
    let importId: number;
    try {
      const operation = await this.imports.importLocalFile(
        state.account,
        `${schedule.name}: ${entry.name}`,
        state.mapping.settings,
        { path: localPath, originalname: entry.name },
        state.mapping.consent,
      );
      importId = operation.Id;
    } catch (error) {
      if (!(error instanceof DomainError)) {
        await this.schedules.releaseClaim(claim);
        throw error;
      }
      await this.schedules.settleClaim(claim, 'failed');
      progress.filesTaken++;
      const movedTo = await this.moveTo(session, directory, FAILED_DIR, entry.name, state.run.id);
      progress.files.push({ name: entry.name, size: entry.size, outcome: 'failed', reason: error.message, movedTo });
      return;
    }
    await this.schedules.settleClaim(claim, 'imported', importId);
    progress.filesTaken++;
    progress.importIds.push(importId);
    const file: RunFile = { name: entry.name, size: entry.size, outcome: 'imported', importId };
    progress.files.push(file);
    file.movedTo = await this.moveAfter(session, directory, entry.name, schedule.afterImport ?? 'move', state.run.id);
  }

  private async moveAfter(
    session: SftpSession,
    directory: string,
    name: string,
    action: AfterImport,
    runId: number,
  ): Promise<string | null> {
    if (action === 'move') return this.moveTo(session, directory, PROCESSED_DIR, name, runId);
    const source = remotePath(directory, name);
    const target = afterImportPath(directory, name, action);
    if (target === null) {
      await session.remove(source);
      return null;
    }
    const free = (await session.exists(target)) ? `${target}-${runId}` : target;
    await session.rename(source, free);
    return free;
  }

  /** Moves a file into `processed/` or `failed/` beside it, under another name if that one is taken. */
  private async moveTo(
    session: SftpSession,
    directory: string,
    folder: string,
    name: string,
    runId: number,
  ): Promise<string> {
    await session.makeDirectory(remotePath(directory, folder));
    let target = remotePath(directory, folder, name);
    if (await session.exists(target)) target = remotePath(directory, folder, distinctName(name, String(runId)));
    await session.rename(remotePath(directory, name), target);
    return target;
  }
}
