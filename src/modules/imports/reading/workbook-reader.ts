import { startWorker } from '../../../common/worker-thread';
import type { FileRow } from './file-row';
import { importFileErrors } from './import-file-errors';
import { checkWorkbookContainer, DEFAULT_CONTAINER_LIMITS, type ContainerLimits } from './workbook-container';
import type { SheetSummary, WorkbookReply, WorkbookRequest } from './workbook-sheets';

export type { SheetSummary } from './workbook-sheets';

export interface WorkbookLimits extends ContainerLimits {
  /** The worker is stopped after this long. */
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
  const reply = await readWorkbook({ path, firstRows: FIRST_SHEET_ROWS, want: 'sheets' }, limits);
  if (reply.kind !== 'sheets') throw new Error(`Unexpected workbook reply ${reply.kind}`);
  if (reply.sheets.every((sheet) => sheet.rowCount === 0)) throw importFileErrors.emptyWorkbook();
  return { sheets: reply.sheets };
}

/**
 * The non-blank rows of one sheet (`line`: the spreadsheet row number). Without a sheet name: the first visible
 * sheet with data. With `head`, only the first rows, at least that many (all when the sheet has fewer).
 */
export async function readSheetRows(
  path: string,
  sheet: string | undefined,
  limits?: Partial<WorkbookLimits>,
  head?: number,
): Promise<{ sheet: string; rows: FileRow[] }> {
  const reply = await readWorkbook({ path, firstRows: 0, want: 'rows', sheet: sheet ?? null, head }, limits);
  if (reply.kind !== 'rows') throw new Error(`Unexpected workbook reply ${reply.kind}`);
  return { sheet: reply.sheet, rows: reply.rows };
}

/** Checks the container, then parses the workbook in a fresh worker; turns refusals into errors. */
async function readWorkbook(
  request: WorkbookRequest,
  given: Partial<WorkbookLimits> = {},
): Promise<Extract<WorkbookReply, { kind: 'sheets' | 'rows' }>> {
  const limits = { ...DEFAULT_WORKBOOK_LIMITS, ...given };
  await checkWorkbookContainer(request.path, limits);
  const reply = await runWorker(request, limits);
  switch (reply.kind) {
    case 'sheets':
    case 'rows':
      return reply;
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

function runWorker(request: WorkbookRequest, limits: WorkbookLimits): Promise<WorkbookReply> {
  return new Promise((resolve, reject) => {
    const worker = startWorkbookWorker(request, limits.maxMemoryMb);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      // The worker is discarded after each file.
      worker.terminate().catch(() => undefined);
    };
    const timer = setTimeout(
      () => settle(() => reject(importFileErrors.workbookTooComplex(limits.timeLimitMs / 1000))),
      limits.timeLimitMs,
    );
    worker.once('message', (reply: WorkbookReply) => settle(() => resolve(reply)));
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() => reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? importFileErrors.workbookOutOfMemory() : error)),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`The workbook worker stopped (exit code ${code}) without an answer`))),
    );
  });
}

function startWorkbookWorker(request: WorkbookRequest, maxMemoryMb: number) {
  return startWorker(__dirname, 'workbook', __filename.endsWith('.js'), {
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
  });
}
