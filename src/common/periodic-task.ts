import { Logger } from '@nestjs/common';

const logger = new Logger('PeriodicTask');

/**
 * Housekeeping run at start, then every `everyMs` in the background, on every instance (each task must be safe
 * to run on several at once). Runs never overlap; a failed run is logged and the next one tries again; the timer
 * never keeps the process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly task: () => Promise<unknown>,
  ) {}

  /**
   * Starts the schedule. The first run is awaited unless `inBackground`: a task whose first run may be long
   * (a backlog to clear) must not hold up the service's start.
   */
  async start(options: { inBackground?: boolean } = {}): Promise<void> {
    const first = this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
    if (!options.inBackground) await first;
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.task();
      } catch (error) {
        logger.warn(`${this.name} failed: ${String(error)}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
