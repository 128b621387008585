import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { violated } from '../../common/unique-violation';
import type { RemoteEntry } from './remote-files';
import type { RunFile, RunStatus, Schedule, ScheduleRun } from './schedule.entity';

export type ScheduleRow = Omit<Schedule, 'account' | 'connection' | 'mapping'>;
export type NewSchedule = Omit<ScheduleRow, 'id' | 'accountId' | 'createdAt' | 'updatedAt'>;
export type RunRow = Omit<ScheduleRun, 'account' | 'schedule'>;

/** Runs kept per schedule; older ones are removed when a new one is recorded. */
export const RUN_HISTORY_LIMIT = 100;
/** A running run whose heartbeat is older than this is taken for dead: its claims may be taken again. */
export const RUN_STALE_SECONDS = 120;

const SELECT_SCHEDULE = `SELECT id::int AS id, account_id AS "accountId", name, kind, connection_id::int AS "connectionId",
  cron, timezone, enabled, next_run_at AS "nextRunAt", remote_directory AS "remoteDirectory",
  file_pattern AS "filePattern", completion, after_import AS "afterImport", mapping_id::int AS "mappingId",
  file_name_template AS "fileNameTemplate", export_definition AS "exportDefinition", created_at AS "createdAt",
  updated_at AS "updatedAt" FROM schedule`;

const SELECT_RUN = `SELECT id::int AS id, account_id AS "accountId", schedule_id::int AS "scheduleId", trigger,
  tick_at AS "tickAt", status, failure, files_seen AS "filesSeen", files_taken AS "filesTaken", files,
  import_ids AS "importIds", created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt",
  heartbeat_at AS "heartbeatAt" FROM schedule_run`;

const COLUMNS: Record<keyof NewSchedule, string> = {
  name: 'name',
  kind: 'kind',
  connectionId: 'connection_id',
  cron: 'cron',
  timezone: 'timezone',
  enabled: 'enabled',
  nextRunAt: 'next_run_at',
  remoteDirectory: 'remote_directory',
  filePattern: 'file_pattern',
  completion: 'completion',
  afterImport: 'after_import',
  mappingId: 'mapping_id',
  fileNameTemplate: 'file_name_template',
  exportDefinition: 'export_definition',
};

const jsonColumn = (key: string, value: unknown) =>
  key === 'exportDefinition' && value !== null ? JSON.stringify(value) : value;

@Injectable()
export class SchedulesRepository {
  constructor(private readonly db: DataSource) {}

  async insert(accountId: string, schedule: NewSchedule): Promise<ScheduleRow> {
    const keys = Object.keys(COLUMNS) as (keyof NewSchedule)[];
    const [{ id }]: { id: number }[] = await this.db.query(
      `INSERT INTO schedule (account_id, ${keys.map((k) => COLUMNS[k]).join(', ')})
       VALUES ($1, ${keys.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING id::int AS id`,
      [accountId, ...keys.map((k) => jsonColumn(k, schedule[k]))],
    );
    return (await this.find(accountId, id))!;
  }

  async update(accountId: string, id: number, changes: Partial<NewSchedule>): Promise<ScheduleRow | null> {
    const keys = (Object.keys(changes) as (keyof NewSchedule)[]).filter((k) => changes[k] !== undefined);
    const sets = keys.map((k, i) => `${COLUMNS[k]} = $${i + 3}`);
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE schedule SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE account_id = $1 AND id = $2
       RETURNING id`,
      [accountId, id, ...keys.map((k) => jsonColumn(k, changes[k]))],
    );
    return rows.length ? this.find(accountId, id) : null;
  }

  async find(accountId: string, id: number): Promise<ScheduleRow | null> {
    const rows: ScheduleRow[] = await this.db.query(`${SELECT_SCHEDULE} WHERE account_id = $1 AND id = $2`, [
      accountId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async list(accountId: string): Promise<ScheduleRow[]> {
    return this.db.query(`${SELECT_SCHEDULE} WHERE account_id = $1 ORDER BY id`, [accountId]);
  }

  async delete(accountId: string, id: number): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      'DELETE FROM schedule WHERE account_id = $1 AND id = $2 RETURNING id',
      [accountId, id],
    );
    return rows.length > 0;
  }

  /** The schedules using a connection or a saved mapping (which then cannot be deleted). */
  async using(accountId: string, what: 'connection' | 'mapping', id: number): Promise<number[]> {
    const column = what === 'connection' ? 'connection_id' : 'mapping_id';
    const rows: { id: number }[] = await this.db.query(
      `SELECT id::int AS id FROM schedule WHERE account_id = $1 AND ${column} = $2 ORDER BY id`,
      [accountId, id],
    );
    return rows.map((row) => row.id);
  }

  /** Every account's enabled schedules whose tick has come (the tick job is the service's own, not a tenant's). */
  async due(now: Date): Promise<{ id: number; accountId: string; cron: string; timezone: string; nextRunAt: Date }[]> {
    return this.db.query(
      `SELECT id::int AS id, account_id AS "accountId", cron, timezone, next_run_at AS "nextRunAt" FROM schedule
       WHERE enabled AND next_run_at <= $1 ORDER BY next_run_at LIMIT 1000`,
      [now],
    );
  }

  /**
   * Takes a due tick: moves the schedule to its next tick only if no other instance did it first, and records
   * the queued run of this tick (once: the tick is unique per schedule). Null when another instance took it.
   */
  async takeTick(
    schedule: { id: number; accountId: string },
    now: Date,
    next: Date | null,
  ): Promise<{ runId: number; tickAt: Date } | null> {
    return this.db.transaction(async (em) => {
      // The row lock makes a second instance wait, then see the moved tick and take nothing.
      const [moved]: [{ tickAt: Date }[], number] = await em.query(
        `UPDATE schedule s SET next_run_at = $3
         FROM (SELECT id, next_run_at FROM schedule WHERE id = $1 FOR UPDATE) AS due
         WHERE s.id = due.id AND s.enabled AND s.next_run_at <= $2 RETURNING due.next_run_at AS "tickAt"`,
        [schedule.id, now, next],
      );
      if (moved.length === 0) return null;
      const { tickAt } = moved[0];
      const rows: { id: number }[] = await em.query(
        `INSERT INTO schedule_run (account_id, schedule_id, trigger, tick_at) VALUES ($1, $2, 'cron', $3)
         ON CONFLICT (schedule_id, tick_at) DO NOTHING RETURNING id::int AS id`,
        [schedule.accountId, schedule.id, tickAt],
      );
      if (rows.length) await this.trimRuns(em, schedule.accountId, schedule.id);
      return rows.length ? { runId: rows[0].id, tickAt } : null;
    });
  }

  async insertManualRun(accountId: string, scheduleId: number): Promise<RunRow> {
    return this.db.transaction(async (em) => {
      const [{ id }]: { id: number }[] = await em.query(
        `INSERT INTO schedule_run (account_id, schedule_id, trigger) VALUES ($1, $2, 'manual') RETURNING id::int AS id`,
        [accountId, scheduleId],
      );
      await this.trimRuns(em, accountId, scheduleId);
      return (await this.findRunIn(em, accountId, id))!;
    });
  }

  private async trimRuns(em: EntityManager, accountId: string, scheduleId: number): Promise<void> {
    await em.query(
      `DELETE FROM schedule_run WHERE account_id = $1 AND schedule_id = $2 AND status NOT IN ('queued', 'running')
       AND id < (SELECT min(id) FROM (SELECT id FROM schedule_run WHERE account_id = $1 AND schedule_id = $2
                 ORDER BY id DESC LIMIT ${RUN_HISTORY_LIMIT}) AS kept)`,
      [accountId, scheduleId],
    );
  }

  /** Runs queued for a while whose job may have been lost (the instance died between recording and sending). */
  async waitingRuns(olderThanSeconds: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(
      `SELECT id::int AS id FROM schedule_run WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1)
       ORDER BY id LIMIT 1000`,
      [olderThanSeconds],
    );
    return rows.map((row) => row.id);
  }

  /** Lets one worker start a queued run; null when another did (or the run is gone). */
  async startRun(runId: number): Promise<RunRow | null> {
    const [rows]: [{ id: number; accountId: string }[], number] = await this.db.query(
      `UPDATE schedule_run SET status = 'running', started_at = now(), heartbeat_at = now()
       WHERE id = $1 AND status = 'queued' RETURNING id::int AS id, account_id AS "accountId"`,
      [runId],
    );
    return rows.length ? this.findRunIn(this.db.manager, rows[0].accountId, runId) : null;
  }

  async heartbeat(runId: number): Promise<void> {
    await this.db.query("UPDATE schedule_run SET heartbeat_at = now() WHERE id = $1 AND status = 'running'", [runId]);
  }

  async recordProgress(runId: number, progress: Pick<RunRow, 'filesSeen' | 'filesTaken' | 'files' | 'importIds'>) {
    await this.db.query(
      'UPDATE schedule_run SET files_seen = $2, files_taken = $3, files = $4, import_ids = $5 WHERE id = $1',
      [
        runId,
        progress.filesSeen,
        progress.filesTaken,
        JSON.stringify(progress.files),
        JSON.stringify(progress.importIds),
      ],
    );
  }

  /** Writes the run's end in the caller's transaction (so what else happens at a run's end commits with it). */
  async finishRun(
    em: EntityManager,
    runId: number,
    status: Exclude<RunStatus, 'queued' | 'running'>,
    failure: string | null,
  ): Promise<RunRow> {
    const [rows]: [{ accountId: string }[], number] = await em.query(
      `UPDATE schedule_run SET status = $2, failure = $3, finished_at = now() WHERE id = $1
       RETURNING account_id AS "accountId"`,
      [runId, status, failure],
    );
    return (await this.findRunIn(em, rows[0].accountId, runId))!;
  }

  /** Running runs whose instance stopped beating: they end as failed, their claims become free again. */
  async failStaleRuns(): Promise<number> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE schedule_run SET status = 'failed', finished_at = now(),
         failure = 'The instance running it stopped before the end; files it had not finished are taken again by the next run'
       WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1) RETURNING id`,
      [RUN_STALE_SECONDS],
    );
    return rows.length;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findRun(accountId: string, runId: number): Promise<RunRow | null> {
    return this.findRunIn(this.db.manager, accountId, runId);
  }

  private async findRunIn(em: EntityManager, accountId: string, runId: number): Promise<RunRow | null> {
    const rows: RunRow[] = await em.query(`${SELECT_RUN} WHERE account_id = $1 AND id = $2`, [accountId, runId]);
    return rows[0] ?? null;
  }

  async listRuns(accountId: string, scheduleId: number): Promise<RunRow[]> {
    return this.db.query(`${SELECT_RUN} WHERE account_id = $1 AND schedule_id = $2 ORDER BY id DESC`, [
      accountId,
      scheduleId,
    ]);
  }

  /**
   * Claims a remote file for a run, keyed by (schedule, path, size, modification time). A claim left by a run that
   * died may be taken over; anything else already recorded is not taken again. Answers the claim's id, or null.
   */
  async claimFile(
    run: Pick<RunRow, 'id' | 'accountId' | 'scheduleId'>,
    path: string,
    entry: RemoteEntry,
  ): Promise<number | null> {
    const rows: { id: number }[] = await this.db.query(
      `INSERT INTO schedule_file (account_id, schedule_id, path, size, modified_at, status, run_id)
       VALUES ($1, $2, $3, $4, $5, 'claimed', $6)
       ON CONFLICT (schedule_id, path, size, modified_at) DO UPDATE SET run_id = EXCLUDED.run_id, claimed_at = now(),
         content_hash = NULL
       WHERE schedule_file.status = 'claimed' AND NOT EXISTS (
         SELECT 1 FROM schedule_run r WHERE r.id = schedule_file.run_id AND r.status = 'running'
           AND r.heartbeat_at >= now() - make_interval(secs => $7))
       RETURNING id::int AS id`,
      [run.accountId, run.scheduleId, path, entry.size, new Date(entry.modifiedAt), run.id, RUN_STALE_SECONDS],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Records the claimed file's content hash; false when this schedule already imported (or is importing) the same
   * content, in which case the claim is marked a duplicate.
   */
  async recordContent(claimId: number, contentHash: string): Promise<boolean> {
    try {
      await this.db.query('UPDATE schedule_file SET content_hash = $2 WHERE id = $1', [claimId, contentHash]);
      return true;
    } catch (error) {
      if (!violated(error, 'unique')) throw error;
      await this.db.query("UPDATE schedule_file SET status = 'duplicate', content_hash = $2 WHERE id = $1", [
        claimId,
        contentHash,
      ]);
      return false;
    }
  }

  async settleClaim(claimId: number, status: 'imported' | 'failed', importId: number | null = null): Promise<void> {
    await this.db.query('UPDATE schedule_file SET status = $2, import_id = $3 WHERE id = $1', [
      claimId,
      status,
      importId,
    ]);
  }

  /** Gives a claim back (the connection was lost before the file was taken): the next run tries again. */
  async releaseClaim(claimId: number): Promise<void> {
    await this.db.query("DELETE FROM schedule_file WHERE id = $1 AND status = 'claimed'", [claimId]);
  }
}

export type { RunFile };
