import { Interval } from '@nestjs/schedule';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountContext } from '../../common/auth.decorators';
import { DomainError } from '../../common/errors';
import { HousekeepingTask } from '../../common/housekeeping-task';
import { CARNET_CONFIG } from '../../database/database.module';
import type { CarnetConfig } from '../../config/configuration';
import { JobQueue } from '../../queue/job-queue';
import { AccountsService } from '../accounts/accounts.service';
import {
  ContactBatchesService,
  ContactsChangedMeanwhile,
  type IncomingContact,
} from '../contacts/contact-batches.service';
import { ContactsService } from '../contacts/contacts.service';
import type { FieldCatalogue } from '../fields/field-catalogue';
import { FieldsService } from '../fields/fields.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { openImportTable, type FileTable } from './file-table';
import { importErrors } from './import-errors';
import { toImportDto, toPurgeDto } from './import-views';
import { ImportsRepository, type CounterDelta, type OperationRow, type Rejection } from './imports.repository';
import { everyoneGroups } from './import-settings';
import { compileMatchings, type MatchingPlan } from './rules/matching-plan';
import { unsubscribeColumns, unsubscribeNote } from './rules/unsubscribe-all';
import { correctedRow } from './rules/corrections';
import { readImportedRow, type ImportedRow, type RowContext } from './rules/row-reading';
import { RowReadingThread } from './row-reading-thread';
import { StoredFilesService } from '../files/stored-files.service';

export const IMPORT_QUEUE = 'contact-import';
const BATCH_ROWS = 20_000;

const BATCH_MODE = { disallowdupupdate: 'update', disallowdup: 'add', allowdup: 'always-add' } as const;

const emptyDelta = (): CounterDelta => ({
  lineRead: 0,
  lineDuplicate: 0,
  lineAdd: 0,
  lineUpdate: 0,
  lineError: 0,
  lineKeptOptOut: 0,
  lineDelete: 0,
});

/** Later cells win, as if the rows had been applied one after the other. */
function mergeInto(target: IncomingContact, row: ImportedRow): void {
  Object.assign(target.columns, row.columns);
  Object.assign(target.fields, row.fields);
  target.groups.push(...row.groups.filter((g) => !target.groups.includes(g)));
}

interface RunState {
  operation: OperationRow;
  account: AccountContext;
  catalogue: FieldCatalogue;
  plan: MatchingPlan;
  headers: string[];
  context: RowContext;
  /** Milliseconds spent reading rows, waiting for the previous batch, and in batch transactions. */
  clock: { validating: number; waiting: number; writing: number };
}

/**
 * Runs imports and purges as jobs: the stored file is streamed through the reader, each batch of rows is
 * read, validated and written in one transaction together with the operation's counters and resume point,
 * so a crash loses at most the batch in flight and a rerun continues after the last committed line.
 */
@Injectable()
export class ImportRunner implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportRunner.name);
  private readonly sweeper = new HousekeepingTask('Requeueing stale imports', () => this.requeueStale());

  constructor(
    private readonly queue: JobQueue,
    private readonly imports: ImportsRepository,
    private readonly files: StoredFilesService,
    private readonly accounts: AccountsService,
    private readonly fields: FieldsService,
    private readonly batches: ContactBatchesService,
    private readonly contacts: ContactsService,
    private readonly webhooks: WebhooksService,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  onModuleInit(): void {
    this.queue.register<{ operationId: number }>(IMPORT_QUEUE, ({ operationId }) => this.run(operationId), {
      // At most one waiting job per operation (the send's singletonKey); a running one may have a successor.
      policy: 'short',
      retryLimit: 3,
      retryDelay: 5,
      expireInSeconds: 4 * 3600,
    });
    // A run reads and writes contacts by the account's key, read once when it starts.
    this.accounts.guardUniquenessKeyChange(async (em, accountId) => {
      const active = await this.imports.findActive(em, accountId);
      if (active) throw importErrors.keyChangeWhileRunning(active.kind, active.id);
    });
  }

  /**
   * At start and every minute: operations left running by a dead worker, or never sent (the process died between
   * recording and sending them), go back in line.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.sweeper.run();
  }

  @Interval(60_000)
  requeueStaleEveryMinute(): Promise<void> {
    return this.sweeper.run();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.idle();
  }

  /**
   * Queues a run, once: a job still waiting for this operation makes the send a no-op, and `claim` lets only one
   * run of an operation proceed, so a second job for it is harmless.
   */
  async enqueue(operationId: number): Promise<void> {
    await this.queue.send(IMPORT_QUEUE, { operationId }, { singletonKey: `operation-${operationId}` });
  }

  /**
   * Puts back in line the operations whose worker stopped beating (the process died mid-run) and those pending for
   * as long (never sent, or their job lost); one still waiting in the queue is not queued twice.
   */
  async requeueStale(): Promise<number[]> {
    const stale = await this.imports.findStale(this.config.importStaleSeconds);
    for (const id of stale) await this.enqueue(id);
    return stale;
  }

  async run(operationId: number): Promise<void> {
    const operation = await this.imports.claim(operationId, this.config.importStaleSeconds);
    if (!operation) return;
    const directory = await mkdtemp(join(tmpdir(), 'carnet-import-'));
    const heartbeat = setInterval(() => {
      this.imports.heartbeat(operationId).catch((error: unknown) => this.logger.warn(error));
    }, 10_000);
    try {
      const path = join(directory, operation.fileName.replace(/[^\w.-]/g, '_'));
      await this.files.copyTo(operation.accountId, operation.fileId, path);
      const account = await this.accounts.contextOf(operation.accountId);
      if (operation.kind === 'purge') await this.purge(operation, account, path);
      else await this.import(operation, account, path);
      await this.finish(operationId, 'done');
    } catch (error) {
      if (error instanceof DomainError) {
        await this.finish(operationId, 'failed', error.message);
      } else if (operation.attempts >= 3) {
        this.logger.error(error);
        await this.finish(operationId, 'failed', 'An internal error stopped the import; it can be rerun');
      } else {
        // Put back in line; the queue retries the job, which resumes after the last committed batch.
        await this.imports.requeue(operationId);
        throw error;
      }
    } finally {
      clearInterval(heartbeat);
      await rm(directory, { recursive: true, force: true });
    }
  }

  /** Ends the operation and, in the same transaction, writes the webhook event telling of it. */
  private async finish(operationId: number, status: 'done' | 'failed', failure: string | null = null): Promise<void> {
    await this.imports.transaction(async (em) => {
      const row = await this.imports.finish(em, operationId, status, failure);
      if (!row) return;
      if (row.kind === 'purge') {
        const type = status === 'done' ? 'purge.finished' : 'purge.failed';
        await this.webhooks.recordEvent(em, row.accountId, type, { ...toPurgeDto(row) });
      } else {
        const type = status === 'done' ? 'import.finished' : 'import.failed';
        // The guided flow's "send welcome messages" choice, for the sending system that greets new contacts.
        const data = { ...toImportDto(row), welcomeMessages: row.settings.welcomeMessages ?? false };
        await this.webhooks.recordEvent(em, row.accountId, type, data);
      }
    });
  }

  private async import(operation: OperationRow, account: AccountContext, path: string): Promise<void> {
    const onThread = statSync(path).size >= this.config.rowThreadMinBytes;
    // On the reading thread's path, this thread reads only the header (the plan still serves rows read again).
    const table = await openImportTable(path, operation.fileName, operation.settings, onThread ? 'head' : 'all');
    const catalogue = await this.fields.catalogue(account.id);
    const { settings } = operation;
    const state: RunState = {
      operation,
      account,
      catalogue,
      headers: table.headers,
      plan: compileMatchings(settings.matchings, table.headers, catalogue, settings.constants),
      context: { catalogue, defaultCountry: account.defaultCountry, uniquenessKey: account.uniquenessKey },
      clock: { validating: 0, waiting: 0, writing: 0 },
    };
    const started = performance.now();
    if (onThread) {
      await table.close();
      await this.importOnThread(state, path);
    } else {
      try {
        await this.importHere(state, table);
      } finally {
        await table.close();
      }
    }
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const { validating, waiting, writing: inTransactions } = state.clock;
    this.logger.log(
      `import ${operation.id}: ${seconds(performance.now() - started)} in all; rows read and checked ` +
        `${onThread ? 'on a second thread' : `in ${seconds(validating)}`}, batch transactions ${seconds(inTransactions)}, ` +
        `${onThread ? 'writer waited for rows' : 'reader waited'} ${seconds(waiting)}`,
    );
  }

  /** Big files: a second thread reads and checks the next batch while this one writes the batch before. */
  private async importOnThread(state: RunState, path: string): Promise<void> {
    const { operation } = state;
    const thread = new RowReadingThread({
      ...state.catalogue.rows(),
      defaultCountry: state.account.defaultCountry,
      uniquenessKey: state.account.uniquenessKey,
      path,
      fileName: operation.fileName,
      settings: operation.settings,
      resumeLine: operation.resumeLine,
      batchRows: BATCH_ROWS,
    });
    try {
      for (;;) {
        const before = performance.now();
        const rows = await thread.next();
        state.clock.waiting += performance.now() - before;
        if (!rows) return;
        await this.writeBatch(state, rows);
      }
    } finally {
      await thread.close();
    }
  }

  /** Small files: rows are read here; a batch is written while the file goes on being read. */
  private async importHere(state: RunState, table: FileTable): Promise<void> {
    const { operation } = state;
    let writing: Promise<void> | undefined;
    const flush = async (rows: ImportedRow[]) => {
      const before = performance.now();
      await writing;
      state.clock.waiting += performance.now() - before;
      writing = this.writeBatch(state, rows);
      writing.catch(() => undefined); // awaited at the next flush or the end
    };
    let batch: ImportedRow[] = [];
    for await (const row of table.rows) {
      // Committed by an earlier run of this operation (the contacts it wrote carry its id).
      if (row.line <= operation.resumeLine) continue;
      const { cells } = correctedRow(row, operation.settings.corrections);
      const before = performance.now();
      batch.push(readImportedRow(row.line, cells, state.headers, state.plan, state.context));
      state.clock.validating += performance.now() - before;
      if (batch.length < BATCH_ROWS) continue;
      await flush(batch);
      batch = [];
    }
    if (batch.length > 0) await flush(batch);
    await writing;
  }

  private async writeBatch(state: RunState, rows: ImportedRow[]): Promise<void> {
    const { operation, account } = state;
    const settings = operation.settings;
    rows = await this.addNewValues(state, rows);
    const delta = emptyDelta();
    delta.lineRead = rows.length;
    const rejections: Rejection[] = [];
    const incoming: IncomingContact[] = [];
    const byKey = new Map<string, IncomingContact>();
    const allowDuplicates = settings.duplicateOption === 'allowdup';
    const unsubscribed = unsubscribeColumns(settings.unsubscribe, operation.id);
    const unsubscribing = Object.keys(unsubscribed).length > 0;
    for (const row of rows) {
      if (!row.accepted || !row.key) {
        delta.lineError++;
        rejections.push({
          line: row.line,
          reasons: row.findings
            .filter((f) => f.severity === 'error')
            .map((f) => `${f.code}: ${f.message}`)
            .join(' | '),
          cells: row.cells,
        });
        continue;
      }
      // The row itself is the contact written (its objects are this batch's own): no copy per row.
      const contact: IncomingContact = row as ImportedRow & { key: string };
      if (unsubscribing) Object.assign(contact.columns, unsubscribed);
      if (allowDuplicates) {
        incoming.push(contact);
        continue;
      }
      const earlier = byKey.get(row.key);
      if (earlier) {
        delta.lineDuplicate++;
        mergeInto(earlier, row);
      } else {
        byKey.set(row.key, contact);
        incoming.push(contact);
      }
    }
    const lastLine = rows[rows.length - 1].line;
    const before = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.imports.transaction(async (em) => {
          const outcome = await this.batches.importBatch(em, account, incoming, {
            operationId: operation.id,
            mode: BATCH_MODE[settings.duplicateOption],
            groupIds: everyoneGroups(settings),
            note: unsubscribeNote(settings.unsubscribe),
            now: new Date(),
          });
          const committed = { ...delta, lineKeptOptOut: outcome.keptOptOut };
          outcome.results.forEach((result, index) => {
            // An earlier batch of this file wrote the contact: this row only replaces that one.
            if (outcome.repeated[index]) committed.lineDuplicate++;
            else if (result === 'added') committed.lineAdd++;
            else if (result === 'updated' || result === 'unchanged') committed.lineUpdate++;
          });
          await this.imports.addRejections(em, account.id, operation.id, rejections);
          await this.imports.recordBatch(em, operation.id, committed, lastLine);
        });
        break;
      } catch (error) {
        // Another writer touched the batch's contacts meanwhile: the rolled-back batch is read again.
        if (!(error instanceof ContactsChangedMeanwhile) || attempt >= 5) throw error;
      }
    }
    state.clock.writing += performance.now() - before;
  }

  /** Adds the list values the file brings to fields that accept new values, then rereads those rows. */
  private async addNewValues(state: RunState, rows: ImportedRow[]): Promise<ImportedRow[]> {
    const wanted = new Map<number, Set<string>>();
    for (const row of rows) {
      for (const { fieldId, text } of row.newValues) {
        const texts = wanted.get(fieldId) ?? new Set<string>();
        texts.add(text);
        wanted.set(fieldId, texts);
      }
    }
    if (wanted.size === 0) return rows;
    for (const [fieldId, texts] of wanted) {
      await this.fields.appendValues(state.account.id, state.catalogue, fieldId, [...texts]);
    }
    return rows.map((row) =>
      row.newValues.length === 0 ? row : readImportedRow(row.line, row.cells, state.headers, state.plan, state.context),
    );
  }

  private async purge(operation: OperationRow, account: AccountContext, path: string): Promise<void> {
    const table = await openImportTable(path, operation.fileName, operation.settings);
    const column = (operation.settings.keyColumn ?? 1) - 1;
    try {
      let batch: { line: number; cells: string[] }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const rows = batch;
        batch = [];
        await this.purgeBatch(operation, account, rows, column);
      };
      for await (const row of table.rows) {
        if (row.line <= operation.resumeLine) continue;
        batch.push(row);
        if (batch.length >= BATCH_ROWS) await flush();
      }
      await flush();
    } finally {
      await table.close();
    }
  }

  private async purgeBatch(
    operation: OperationRow,
    account: AccountContext,
    rows: { line: number; cells: string[] }[],
    column: number,
  ): Promise<void> {
    const delta = emptyDelta();
    delta.lineRead = rows.length;
    const rejections: Rejection[] = [];
    const keys: { line: number; key: string }[] = [];
    for (const row of rows) {
      const raw = row.cells[column]?.trim() ?? '';
      const key = raw === '' ? undefined : this.readKey(account, raw);
      if (key) keys.push({ line: row.line, key });
      else {
        delta.lineError++;
        rejections.push({
          line: row.line,
          reasons:
            raw === ''
              ? 'row.missing_key: the key column is empty'
              : `row.invalid_key: "${raw}" is not a valid ${account.uniquenessKey}`,
          cells: row.cells,
        });
      }
    }
    await this.imports.transaction(async (em) => {
      const deleted = await this.batches.purgeBatch(
        em,
        account.id,
        keys.map((k) => k.key),
      );
      const counted = new Set<string>();
      for (const { key } of keys) {
        if (counted.has(key)) delta.lineDuplicate++;
        else if (deleted.has(key)) delta.lineDelete++;
        counted.add(key);
      }
      await this.imports.addRejections(em, account.id, operation.id, rejections);
      await this.imports.recordBatch(em, operation.id, delta, rows[rows.length - 1].line);
    });
  }

  private readKey(account: AccountContext, raw: string): string | undefined {
    try {
      return this.contacts.readKey(account, raw);
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  }
}
