import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listScheduleRuns } from '../sdk';
import { SchedulesRepository } from '../src/modules/scheduler/schedules.repository';
import { ScheduleRunner } from '../src/modules/scheduler/schedule-runner';
import { startTestApp, TestAccount, TestApp } from './harness';
import { csv, importSchedule, passwordConnection, runFinished, savedMapping } from './scheduler-helpers';
import { describeWithSftpServer, SftpTestServer, startSftpServer } from './sftp-server';

/**
 * Two app instances on one database need a shared PostgreSQL: the embedded one belongs to a single process. On the
 * embedded pass this suite is skipped with that reason; CI's real-PostgreSQL pass runs it (and fails it when sshd
 * is missing, like every SFTP suite).
 */
const shared = process.env.DATABASE_URL ? describeWithSftpServer : describe.skip;
if (!process.env.DATABASE_URL) {
  console.warn('SKIPPED two app instances, one SFTP drop: needs DATABASE_URL (a PostgreSQL both instances share)');
}

shared('two app instances, one SFTP drop', () => {
  let server: SftpTestServer;
  let a: TestApp;
  let b: TestApp;
  let account: TestAccount;
  let connectionId: number;
  let mappingId: number;

  beforeAll(async () => {
    server = await startSftpServer();
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    account = await a.createAccount('Two instances');
    mappingId = await savedMapping(a, account);
    connectionId = await passwordConnection(a, account, server, 'Partagée');
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await server?.stop();
  });

  const imports = async () => {
    const rows: { id: number; name: string }[] = await a.database.dataSource.query(
      "SELECT id::int AS id, name FROM import_operation WHERE account_id = $1 AND name LIKE 'Dépôt quotidien:%'",
      [account.id],
    );
    return rows;
  };

  it('a tick missed while every instance was down runs once, however many instances tick at once', async () => {
    const dir = server.newDirectory('instances-tick');
    writeFileSync(join(dir, 'contacts_tick.csv'), csv('tick@example.com;Tick;Once'));
    const schedule = await importSchedule(a, account, { connectionId, mappingId, remoteDirectory: dir });
    // Due for a while: every minute of the last hour was missed.
    await a.database.dataSource.query(`UPDATE schedule SET next_run_at = now() - interval '1 hour' WHERE id = $1`, [
      schedule.id,
    ]);
    const queued = await Promise.all([a, b, a, b].map((app) => app.app.get(ScheduleRunner).tick()));
    // At most one of these ticks took it (the minute's pg-boss tick of any test app may have come first).
    expect(queued.flat().length).toBeLessThanOrEqual(1);
    const runs = await listScheduleRuns({ client: a.sdk(account), path: { id: schedule.id } });
    expect(runs.data!.map((r) => r.trigger)).toEqual(['cron']);
    // Any test app on this database may run the job (and one closing meanwhile may fail it): the tick is what is
    // checked here; two instances importing one drop are checked below with runs started on each.
    const run = await runFinished(a, account, schedule.id, runs.data![0].id);
    expect(run.trigger).toBe('cron');
    // Ticking again changes nothing: the schedule's next tick is ahead.
    expect((await Promise.all([a, b].map((app) => app.app.get(ScheduleRunner).tick()))).flat()).toEqual([]);
    const after = await listScheduleRuns({ client: a.sdk(account), path: { id: schedule.id } });
    expect(after.data!.map((r) => r.id)).toEqual([run.id]);
    const [{ next }]: { next: Date }[] = await a.database.dataSource.query(
      'SELECT next_run_at AS next FROM schedule WHERE id = $1',
      [schedule.id],
    );
    expect(next.getTime()).toBeGreaterThan(Date.now()); // the next tick is ahead, not the missed ones
    const tickImports = (await imports()).filter((op) => op.name.endsWith('contacts_tick.csv'));
    expect(tickImports).toHaveLength(run.status === 'done' ? 1 : 0);
  });

  it('two runs on two instances at once over one drop import each file exactly once', async () => {
    const dir = server.newDirectory('instances-race');
    for (let i = 1; i <= 3; i++) writeFileSync(join(dir, `contacts_${i}.csv`), csv(`race${i}@example.com;Race;${i}`));
    const schedule = await importSchedule(a, account, { connectionId, mappingId, remoteDirectory: dir });
    const before = (await imports()).length;
    // Two runs recorded directly (no job), run by each instance's runner at the same time.
    const [first, second] = await Promise.all([
      a.app.get(SchedulesRepository).insertManualRun(account.id, schedule.id),
      b.app.get(SchedulesRepository).insertManualRun(account.id, schedule.id),
    ]);
    await Promise.all([a.app.get(ScheduleRunner).run(first.id), b.app.get(ScheduleRunner).run(second.id)]);
    const runs = await Promise.all([first, second].map((r) => runFinished(a, account, schedule.id, r.id)));
    const imported = runs.flatMap((r) => r.files.filter((f) => f.outcome === 'imported').map((f) => f.name));
    expect(imported.sort()).toEqual(['contacts_1.csv', 'contacts_2.csv', 'contacts_3.csv']);
    expect(runs.flatMap((r) => r.importIds)).toHaveLength(3);
    expect((await imports()).length - before).toBe(3);
    expect(readdirSync(join(dir, 'processed')).sort()).toEqual(['contacts_1.csv', 'contacts_2.csv', 'contacts_3.csv']);
    // The same run started on both instances proceeds once.
    const again = await a.app.get(SchedulesRepository).insertManualRun(account.id, schedule.id);
    await Promise.all([a.app.get(ScheduleRunner).run(again.id), b.app.get(ScheduleRunner).run(again.id)]);
    expect(await runFinished(a, account, schedule.id, again.id)).toMatchObject({
      status: 'nothing_to_do',
      filesSeen: 0,
    });
  });
});
