import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export type JobHandler<T> = (data: T) => Promise<void>;

interface Registration {
  name: string;
  handler: JobHandler<never>;
  options: PgBoss.Queue;
}

/**
 * Long tasks as jobs in pg-boss, sharing the application's connection pool (the embedded database serves
 * one connection at a time, so the queue must not open its own). Any instance may run any job; a job
 * whose worker died is retried when it expires.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly registrations: Registration[] = [];
  private readonly crons: { name: string; cron: string }[] = [];
  private boss: PgBoss | undefined;
  /** This instance's worker of each queue, woken when a job is sent from here. */
  private readonly workers = new Map<string, string>();

  constructor(private readonly db: DataSource) {}

  /** Declares a queue and its handler; called by feature modules while the app is being built. */
  register<T>(name: string, handler: JobHandler<T>, options: Omit<PgBoss.Queue, 'name'> = {}): void {
    this.registrations.push({ name, handler: handler, options: { name, ...options } });
  }

  /**
   * Sends an empty job to a registered queue on a cron (UTC): pg-boss sends it once per tick whatever the number
   * of instances, so the handler decides what is due.
   */
  registerCron(name: string, cron: string): void {
    this.crons.push({ name, cron });
  }

  /**
   * Queues a job. With a `singletonKey` on a queue of policy `short`, a job already waiting with that key makes
   * this send a no-op (pg-boss answers null), so a task sent twice (a retry, the sweeper) is queued once.
   */
  async send<T extends object>(name: string, data: T, options: PgBoss.SendOptions = {}): Promise<void> {
    if (!this.boss) throw new Error('The job queue is not started');
    await this.boss.send(name, data, options);
    // The job is here to take: no need to wait for the next poll (up to a second for every import).
    const worker = this.workers.get(name);
    if (worker && !options.startAfter) this.boss.notifyWorker(worker);
  }

  /**
   * Queues a job in the caller's transaction: it exists once that commits, and never if it rolls back. Workers
   * take it at their next poll (a wake-up now would come before the commit).
   */
  async sendInTransaction<T extends object>(
    manager: EntityManager,
    name: string,
    data: T,
    options: PgBoss.SendOptions = {},
  ): Promise<void> {
    if (!this.boss) throw new Error('The job queue is not started');
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('sendInTransaction needs the manager of an open transaction');
    const db = {
      executeSql: async (text: string, values: unknown[]) => ({
        rows: (await runner.query(text, values, true)).records as unknown[],
      }),
    };
    await this.boss.send(name, data, { ...options, db });
  }

  /**
   * This instance stops taking jobs of the queue (others still do): for an instance being drained, and for tests
   * that stand for a process that died before running a job it had queued.
   */
  async stopWorking(name: string): Promise<void> {
    const worker = this.workers.get(name);
    if (!worker || !this.boss) return;
    this.workers.delete(name);
    await this.boss.offWork({ id: worker });
  }

  async onApplicationBootstrap(): Promise<void> {
    const pool = (this.db.driver as PostgresDriver).master as Pool;
    const boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      schema: 'pgboss',
      supervise: true,
      schedule: true,
    });
    boss.on('error', (error) => this.logger.error(error));
    await boss.start();
    for (const { name, handler, options } of this.registrations) {
      await boss.createQueue(name, options);
      // createQueue leaves an existing queue as it was: a changed policy or retry setting must be applied.
      await boss.updateQueue(name, options);
      const worker = await boss.work<never>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) =>
        handler(job.data),
      );
      this.workers.set(name, worker);
    }
    for (const { name, cron } of this.crons) await boss.schedule(name, cron, {}, { tz: 'UTC' });
    this.boss = boss;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, wait: true, close: false, timeout: 20_000 });
    this.boss = undefined;
    this.workers.clear();
  }
}
