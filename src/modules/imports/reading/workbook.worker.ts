import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readWorkbookBuffer, type WorkbookRequest } from './workbook-sheets';

/**
 * Reads one workbook in a disposable worker thread (started by `workbook-reader.ts`, with memory and time limits):
 * the spreadsheet parser has known advisories and can take long or much memory on hostile files.
 */
const request = workerData as WorkbookRequest;
parentPort?.postMessage(readWorkbookBuffer(readFileSync(request.path), request));
