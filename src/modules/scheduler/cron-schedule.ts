import { Cron } from 'croner';

/** Why a cron expression or a timezone cannot be used; the message is meant for the caller. */
export class CronProblem extends Error {}

function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new CronProblem(`"${timezone}" is not an IANA timezone (for example Europe/Paris)`);
  }
}

function parse(expression: string, timezone: string): Cron {
  checkTimezone(timezone);
  try {
    // Five fields (minute hour day month weekday): the tick comes once a minute, seconds would mislead.
    // Day of month and weekday both given means either, as in Vixie cron.
    return new Cron(expression.trim(), { timezone, paused: true, mode: '5-part', domAndDow: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw new CronProblem(`the cron expression "${expression}" cannot be read: ${reason}`);
  }
}

/** Checks an expression and a timezone; throws a CronProblem saying what is wrong. */
export function checkCron(expression: string, timezone: string): void {
  const cron = parse(expression, timezone);
  if (!cron.nextRun()) throw new CronProblem(`the cron expression "${expression}" never runs`);
}

/**
 * The first time strictly after `after` the expression names, read in `timezone`: a local time skipped by a DST
 * change runs at the next hour, a local time that happens twice runs once.
 */
export function nextRunAfter(expression: string, timezone: string, after: Date): Date | null {
  return parse(expression, timezone).nextRun(after);
}
