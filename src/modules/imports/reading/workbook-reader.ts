import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../../common/worker-thread';
import type { FileRow } from './file-row';
import { importFileErrors } from './import-file-errors';
import { checkWorkbookContainer, DEFAULT_CONTAINER_LIMITS, type ContainerLimits } from './workbook-container';
import type { SheetSummary, WorkbookRequest, WorkerMessage } from './workbook-sheets';

export type { SheetSummary } from './workbook-sheets';

export interface WorkbookLimits extends ContainerLimits {
  /** The worker is stopped when its parse takes longer than this. */
  timeLimitMs: number;
  /** Heap of the worker (V8 old generation). */
  maxMemoryMb: number;
}

export const DEFAULT_WORKBOOK_LIMITS: WorkbookLimits = {
  ...DEFAULT_CONTAINER_LIMITS,
  timeLimitMs: 60_000,
  maxMemoryMb: 512,
};

export const FIRST_SHEET_ROWS = 20;

/** Every sheet of an .xlsx/.xls workbook with its row count and first rows. */
export async function listSheets(path: string, limits?: Partial<WorkbookLimits>): Promise<{ sheets: SheetSummary[] }> {
  const { reply } = await readWorkbook({ path, firstRows: FIRST_SHEET_ROWS, want: 'sheets' }, limits);
  if (reply.kind !== 'sheets') throw new Error(`Unexpected workbook reply ${reply.kind}`);
  if (reply.sheets.every((sheet) => sheet.rowCount === 0)) throw importFileErrors.emptyWorkbook();
  return { sheets: reply.sheets };
}

/** Rows per message from the workbook worker: a message never holds a whole sheet. */
export const WORKBOOK_CHUNK_ROWS = 5_000;

/** One sheet's non-blank rows, pulled from the workbook worker a chunk at a time. */
export interface SheetRowStream {
  sheet: string;
  rowCount: number;
  /** The chunks in order; stopping early (or the last chunk) discards the worker. */
  chunks: AsyncGenerator<FileRow[]>;
}

/**
 * The non-blank rows of one sheet (`line`: the spreadsheet row number), as chunks of at most `chunkRows` that the
 * worker sends one at a time, when the previous one is taken. Without a sheet name: the first visible sheet with
 * data. With `head`, only the first rows, at least that many (all when the sheet has fewer).
 */
export async function streamSheetRows(
  path: string,
  sheet: string | undefined,
  limits?: Partial<WorkbookLimits>,
  head?: number,
  chunkRows = WORKBOOK_CHUNK_ROWS,
): Promise<SheetRowStream> {
  const request: WorkbookRequest = { path, firstRows: 0, want: 'rows', sheet: sheet ?? null, head };
  const { reply, worker } = await readWorkbook(request, limits, chunkRows);
  if (reply.kind !== 'rowsStart' || !worker) throw new Error(`Unexpected workbook reply ${reply.kind}`);
  return { sheet: reply.sheet, rowCount: reply.rowCount, chunks: pullChunks(worker) };
}

/** The whole sheet at once: for the first rows and for tests; imports stream it. */
export async function readSheetRows(
  path: string,
  sheet: string | undefined,
  limits?: Partial<WorkbookLimits>,
  head?: number,
): Promise<{ sheet: string; rows: FileRow[] }> {
  const stream = await streamSheetRows(path, sheet, limits, head);
  const rows: FileRow[] = [];
  for await (const chunk of stream.chunks) rows.push(...chunk);
  return { sheet: stream.sheet, rows };
}

type Answer = Extract<WorkerMessage, { kind: 'sheets' | 'rowsStart' }>;

/**
 * Checks the container, then parses the workbook in a fresh worker; turns refusals into errors. The worker is
 * answered once it stopped, except when it announces rows: it is then handed back, to send them.
 */
async function readWorkbook(
  request: WorkbookRequest,
  given: Partial<WorkbookLimits> = {},
  chunkRows = WORKBOOK_CHUNK_ROWS,
): Promise<{ reply: Answer; worker?: Worker }> {
  const limits = { ...DEFAULT_WORKBOOK_LIMITS, ...given };
  await checkWorkbookContainer(request.path, limits);
  const worker = startWorkbookWorker({ ...request, chunkRows }, limits.maxMemoryMb);
  let reply: WorkerMessage;
  try {
    // The time limit is the parse's: the rows are then sent as fast as the reader takes them.
    reply = await nextMessage(worker, limits.timeLimitMs, () =>
      importFileErrors.workbookTooComplex(limits.timeLimitMs / 1000),
    );
  } catch (error) {
    void worker.terminate().catch(() => undefined);
    throw error;
  }
  if (reply.kind === 'rowsStart') return { reply, worker };
  // The worker is discarded after each file.
  void worker.terminate().catch(() => undefined);
  switch (reply.kind) {
    case 'sheets':
      return { reply };
    case 'rowsChunk':
      throw new Error('Unexpected workbook reply rowsChunk');
    case 'sheetNotFound':
      throw importFileErrors.sheetNotFound(reply.sheet, reply.sheets);
    case 'emptySheet':
      throw importFileErrors.emptySheet(reply.sheet);
    case 'emptyWorkbook':
      throw importFileErrors.emptyWorkbook();
    case 'encrypted':
      throw importFileErrors.encryptedWorkbook();
    case 'unreadable':
      throw importFileErrors.unreadableWorkbook(reply.reason);
  }
}

/** Asks the worker for its rows a chunk at a time; the worker is discarded at the end or when the reader stops. */
async function* pullChunks(worker: Worker): AsyncGenerator<FileRow[]> {
  try {
    for (;;) {
      worker.postMessage('more');
      const message = await nextMessage(worker);
      if (message.kind !== 'rowsChunk') throw new Error(`Unexpected workbook reply ${message.kind}`);
      yield message.rows;
      if (message.done) return;
    }
  } finally {
    void worker.terminate().catch(() => undefined);
  }
}

/** The worker's next message; its failure (out of memory, an exit without answer, `timeLimitMs` passed) rejects. */
function nextMessage(worker: Worker, timeLimitMs?: number, tooLong?: () => Error): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      outcome();
    };
    const onMessage = (message: WorkerMessage) => settle(() => resolve(message));
    const onError = (error: Error & { code?: string }) =>
      settle(() => reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? importFileErrors.workbookOutOfMemory() : error));
    const onExit = (code: number) =>
      settle(() => reject(new Error(`The workbook worker stopped (exit code ${code}) without an answer`)));
    const timer =
      timeLimitMs === undefined ? undefined : setTimeout(() => settle(() => reject(tooLong!())), timeLimitMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

function startWorkbookWorker(request: WorkbookRequest & { chunkRows: number }, maxMemoryMb: number): Worker {
  return startWorker(__dirname, 'workbook', __filename.endsWith('.js'), {
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
  });
}
