import { Logger } from '@nestjs/common';

const logger = new Logger('PeriodicTask');

/**
 * Housekeeping run at start, then every `everyMs` in the background, on every instance (each task must be safe
 * to run on several at once). A failed run is logged and the next one tries again; the timer never keeps the
 * process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly task: () => Promise<unknown>,
  ) {}

  async start(): Promise<void> {
    await this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async runOnce(): Promise<void> {
    try {
      await this.task();
    } catch (error) {
      logger.warn(`${this.name} failed: ${String(error)}`);
    }
  }
}
