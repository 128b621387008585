import { checkCron, CronProblem, nextRunAfter } from './cron-schedule';

describe('cron schedule', () => {
  it('says why an expression or a timezone is refused', () => {
    expect(() => checkCron('61 * * * *', 'Europe/Paris')).toThrow(/cannot be read: .*minute: 61/);
    expect(() => checkCron('* * *', 'Europe/Paris')).toThrow(CronProblem);
    expect(() => checkCron('0 * * * * *', 'Europe/Paris')).toThrow(/5 parts/);
    expect(() => checkCron('0 2 * * *', 'Mars/Olympus')).toThrow(/"Mars\/Olympus" is not an IANA timezone/);
    expect(() => checkCron('0 2 * * *', 'Europe/Paris')).not.toThrow();
  });

  it('reads the time in the schedule timezone', () => {
    expect(nextRunAfter('0 6 * * *', 'Europe/Paris', new Date('2026-07-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-07-02T04:00:00.000Z',
    );
    expect(nextRunAfter('0 6 * * *', 'America/New_York', new Date('2026-07-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-07-02T10:00:00.000Z',
    );
  });

  it('keeps the local hour across the spring and autumn DST changes in Paris', () => {
    // 2026-03-29: 02:00 local jumps to 03:00 (UTC+1 → UTC+2).
    expect(nextRunAfter('0 6 * * *', 'Europe/Paris', new Date('2026-03-28T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-29T04:00:00.000Z',
    );
    expect(nextRunAfter('0 6 * * *', 'Europe/Paris', new Date('2026-03-27T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-28T05:00:00.000Z',
    );
    // 02:30 does not exist that night: it runs once, at 03:00 local.
    expect(nextRunAfter('30 2 * * *', 'Europe/Paris', new Date('2026-03-28T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    // 2026-10-25: 03:00 local falls back to 02:00; 02:30 happens twice and runs once, then the next day at UTC+1.
    const first = nextRunAfter('30 2 * * *', 'Europe/Paris', new Date('2026-10-24T12:00:00Z'))!;
    expect(first.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(nextRunAfter('30 2 * * *', 'Europe/Paris', first)?.toISOString()).toBe('2026-10-26T01:30:00.000Z');
  });
});
