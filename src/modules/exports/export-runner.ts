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
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors';
import { HousekeepingTask } from '../../common/housekeeping-task';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { JobQueue } from '../../queue/job-queue';
import { AccountsService } from '../accounts/accounts.service';
import { FieldsService } from '../fields/fields.service';
import { StoredFilesService } from '../files/stored-files.service';
import { exportColumns, type ColumnParams } from './export-columns';
import { exportErrors } from './export-errors';
import { openExportFile, XLSX_MAX_CONTACTS, type ExportCell } from './export-file';
import { filtersSql } from './export-filters';
import { ExportSelection } from './export-selection';
import { ExportsRepository, type ContactsQuery, type ExportOutcome, type ExportRow } from './exports.repository';
import { toExportDto } from './export-views';
import { WebhooksService } from '../webhooks/webhooks.service';

export const EXPORT_QUEUE = 'contact-export';
const MAX_ATTEMPTS = 3;

/** What a run wrote before it is settled. */
interface Written {
  path: string;
  totalContact: number;
  rowsWritten: number;
}

/**
 * Runs exports as jobs. Each run counts and reads its contacts in one REPEATABLE READ snapshot, streaming them
 * through a cursor into a local file (memory stays flat), then stores the file and marks the export done in one
 * transaction. A run is not resumable (its snapshot dies with it): a worker that dies leaves a stale heartbeat,
 * and the export is run again from the start, up to three times, then failed with its reason.
 */
@Injectable()
export class ExportRunner implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportRunner.name);
  private readonly staleSweeper = new HousekeepingTask('Requeueing stale exports', () => this.requeueStale());
  private readonly retention = new HousekeepingTask('Removing expired export files', () => this.removeExpiredFiles());

  constructor(
    private readonly queue: JobQueue,
    private readonly exports: ExportsRepository,
    private readonly files: StoredFilesService,
    private readonly accounts: AccountsService,
    private readonly fields: FieldsService,
    private readonly selection: ExportSelection,
    private readonly webhooks: WebhooksService,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  onModuleInit(): void {
    this.queue.register<{ exportId: number }>(EXPORT_QUEUE, ({ exportId }) => this.run(exportId), {
      retryLimit: MAX_ATTEMPTS,
      retryDelay: 5,
      expireInSeconds: 4 * 3600,
    });
  }

  /** At start, then every minute: exports left running by a dead worker go back in line. */
  async onApplicationBootstrap(): Promise<void> {
    await this.staleSweeper.run();
    // In the background: a backlog of old files must not hold up the start.
    void this.retention.run();
  }

  @Interval(60_000)
  requeueStaleExportsEveryMinute(): Promise<void> {
    return this.staleSweeper.run();
  }

  @Interval(3600_000)
  removeExpiredExportFilesHourly(): Promise<void> {
    return this.retention.run();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.staleSweeper.idle();
    await this.retention.idle();
  }

  async enqueue(exportId: number): Promise<void> {
    await this.queue.send(EXPORT_QUEUE, { exportId });
  }

  /** Puts back in line the exports whose worker stopped beating (the process died mid-run). */
  async requeueStale(): Promise<number[]> {
    const stale = await this.exports.findStale(this.config.exportStaleSeconds);
    for (const id of stale) await this.enqueue(id);
    return stale;
  }

  /** Files of exports finished more than EXPORT_RETENTION_DAYS ago are removed; the exports show `expired`. */
  async removeExpiredFiles(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.exportRetentionDays * 86_400_000);
    const expired = await this.exports.expire(cutoff);
    for (const { accountId, fileId } of expired) await this.files.remove(accountId, [fileId]);
    return expired.length;
  }

  async run(exportId: number): Promise<void> {
    const row = await this.exports.claim(exportId, this.config.exportStaleSeconds);
    if (!row) return;
    const directory = await mkdtemp(join(tmpdir(), 'carnet-export-'));
    const heartbeat = setInterval(() => {
      this.exports.progress(exportId, {}).catch((error: unknown) => this.logger.warn(error));
    }, 10_000);
    let written: Written | undefined;
    try {
      const started = performance.now();
      written = await this.write(row, join(directory, `export-${row.id}.${row.settings.format}`));
      const wrote = performance.now();
      await this.settle(row, written);
      this.logger.log(
        `Export ${row.id}: ${written.rowsWritten} rows written in ${Math.round(wrote - started)} ms, ` +
          `stored in ${Math.round(performance.now() - wrote)} ms`,
      );
    } catch (error) {
      if (error instanceof DomainError) {
        await this.settle(row, written, error.message);
      } else if (row.attempts >= MAX_ATTEMPTS) {
        this.logger.error(error);
        await this.settle(row, written, 'An internal error stopped the export; run it again');
      } else {
        // Back in line: the queue retries the job, which starts over with a new snapshot.
        await this.exports.requeue(exportId);
        throw error;
      }
    } finally {
      clearInterval(heartbeat);
      await rm(directory, { recursive: true, force: true });
    }
  }

  /** Counts and writes the selected contacts, all read in one snapshot. */
  private async write(row: ExportRow, path: string): Promise<Written> {
    const { settings } = row;
    const account = await this.accounts.contextOf(row.accountId);
    const catalogue = await this.fields.catalogue(row.accountId);
    const columns = exportColumns(settings.fields, catalogue, settings);
    const predicate = await this.selection.predicate(row.accountId, settings.source, 2);
    const query: ContactsQuery = {
      accountId: row.accountId,
      where: `(${predicate.sql}) AND ${filtersSql(settings.filters)}`,
      params: predicate.params,
    };
    const params: ColumnParams = {
      timezone: account.timezone,
      activeSince: new Date(Date.now() - account.activityDays * 86_400_000),
    };
    const file = openExportFile(
      path,
      settings.format,
      columns.map((c) => c.header),
      settings.separator,
    );
    try {
      const written = await this.exports.snapshot(async (em) => {
        const totalContact = await this.exports.count(em, query);
        if (settings.format === 'xlsx' && totalContact > XLSX_MAX_CONTACTS) {
          throw exportErrors.tooManyRowsForSheet(totalContact, XLSX_MAX_CONTACTS);
        }
        // Not awaited: with the embedded database's single connection it runs once the snapshot ends.
        this.reportProgress(row.id, { totalContact });
        let rowsWritten = 0;
        const batches = this.exports.readContacts(em, query, (param) =>
          columns.map((column) => column.sql((name) => param(params[name]))),
        );
        for await (const batch of batches) {
          for (const stored of batch) {
            const cells: ExportCell[] = new Array<ExportCell>(columns.length);
            for (let i = 0; i < columns.length; i++) {
              const text = stored[i];
              const column = columns[i];
              cells[i] = text === null || text === '' ? null : column.numeric ? Number(text) : column.cell(text);
            }
            await file.writeRow(cells);
          }
          rowsWritten += batch.length;
          this.reportProgress(row.id, { rowsWritten });
        }
        return { totalContact, rowsWritten };
      });
      await file.close();
      if (written.rowsWritten !== written.totalContact) {
        throw new Error(`Export ${row.id} counted ${written.totalContact} contacts but wrote ${written.rowsWritten}`);
      }
      return { path, ...written };
    } catch (error) {
      file.abort();
      throw error;
    }
  }

  private progressInFlight = new Set<number>();

  /** Shows progress without waiting for it; one update per export at a time, later ones skipped meanwhile. */
  private reportProgress(id: number, progress: { totalContact?: number; rowsWritten?: number }): void {
    if (this.progressInFlight.has(id) && progress.totalContact === undefined) return;
    this.progressInFlight.add(id);
    this.exports
      .progress(id, progress)
      .catch((error: unknown) => this.logger.warn(error))
      .finally(() => this.progressInFlight.delete(id));
  }

  /**
   * THE end of an export, in one transaction: the file is stored and the export marked done, or it is marked
   * failed with its reason. A run that lost its export meanwhile (deleted, taken over) changes nothing.
   */
  private async settle(row: ExportRow, written: Written | undefined, failure?: string): Promise<void> {
    await this.exports.transaction(async (em: EntityManager) => {
      if (!(await this.exports.lockRunning(em, row.id))) return;
      let outcome: ExportOutcome;
      if (failure === undefined && written) {
        const name = `export-${row.id}.${row.settings.format}`;
        const stored = await this.files.storeIn(em, row.accountId, name, written.path);
        outcome = { status: 'done', fileId: stored.id, fileSize: stored.size, rowsWritten: written.rowsWritten };
      } else {
        outcome = { status: 'failed', failure: failure ?? 'The export stopped before writing its file' };
      }
      await this.exports.finish(em, row.id, written?.totalContact ?? null, outcome);
      await this.exportSettled(em, row, outcome);
    });
  }

  /**
   * Called once per export, inside the transaction that marked it done or failed: its webhook event (SPEC §10) is
   * written with the outcome, so it is sent if and only if the outcome committed.
   */
  private async exportSettled(em: EntityManager, row: ExportRow, outcome: ExportOutcome): Promise<void> {
    const settled = await this.exports.find(row.accountId, row.id, em);
    if (!settled) return;
    const type = outcome.status === 'done' ? 'export.finished' : 'export.failed';
    await this.webhooks.recordEvent(em, row.accountId, type, { ...toExportDto(settled) });
  }
}
