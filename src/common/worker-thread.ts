import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker `<name>.worker` beside the caller: the compiled `.js` under `dist/`, or the `.ts` through
 * ts-node when the caller itself runs from TypeScript (vitest, ts-node).
 */
export function startWorker(directory: string, name: string, compiled: boolean, options: WorkerOptions): Worker {
  if (compiled) return new Worker(join(directory, `${name}.worker.js`), options);
  const script = [
    `require('ts-node').register({ transpileOnly: true, projectSearchDir: ${JSON.stringify(directory)} });`,
    `require(${JSON.stringify(join(directory, `${name}.worker.ts`))});`,
  ].join('\n');
  return new Worker(script, { ...options, eval: true });
}
