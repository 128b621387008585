import { Logger } from '@nestjs/common';

const logger = new Logger('Housekeeping');

/**
 * In-process housekeeping that `@nestjs/schedule` triggers (an `@Interval` method calls `run()`), and that a
 * service also runs once at start. Runs never overlap: a trigger while a run is in progress joins it. A failed run
 * is logged and the next trigger tries again. Each task must be safe to run on several instances at once; work that
 * must run once across instances belongs in the job queue instead.
 */
export class HousekeepingTask {
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<unknown>,
  ) {}

  run(): Promise<void> {
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

  /** Resolves once no run is in progress (for shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }
}
