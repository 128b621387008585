import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readWorkbookBuffer, type WorkbookRequest, type WorkerMessage } from './workbook-sheets';

/**
 * Reads one workbook in a disposable worker thread (started by `workbook-reader.ts`, with memory and time limits):
 * the spreadsheet parser can take long or much memory on hostile files. A sheet's rows go back in chunks of
 * `chunkRows`, one each time the reader asks for more, so the service's heap never holds more than one chunk of
 * them on top of what it is writing.
 */
const request = workerData as WorkbookRequest & { chunkRows: number };
const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);
const reply = readWorkbookBuffer(readFileSync(request.path), request);
if (reply.kind !== 'rows') {
  send(reply);
} else {
  const { rows } = reply;
  let sent = 0;
  send({ kind: 'rowsStart', sheet: reply.sheet, rowCount: rows.length });
  port.on('message', () => {
    const chunk = rows.slice(sent, sent + request.chunkRows);
    sent += chunk.length;
    send({ kind: 'rowsChunk', rows: chunk, done: sent >= rows.length });
  });
}
