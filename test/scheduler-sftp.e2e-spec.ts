import { existsSync, readdirSync, readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  createSchedule,
  createSftpConnection,
  deleteSavedMapping,
  deleteSftpConnection,
  getImport,
  getScheduleRun,
  getSftpConnection,
  listImports,
  listScheduleRuns,
  listSftpConnections,
  probeSftpHost,
  testSftpConnection,
} from '../sdk';
import type { CarnetConfig } from '../src/config/configuration';
import { CARNET_CONFIG } from '../src/database/database.module';
import { ScheduleRunner } from '../src/modules/scheduler/schedule-runner';
import { SchedulesRepository } from '../src/modules/scheduler/schedules.repository';
import { startTestApp, TestAccount, TestApp } from './harness';
import { csv, importSchedule, passwordConnection, runFinished, runNow, savedMapping } from './scheduler-helpers';
import { describeWithSftpServer, KEY_USER, PASSWORD_USER, SftpTestServer, startSftpServer } from './sftp-server';

describeWithSftpServer('scheduled SFTP imports against OpenSSH', () => {
  let server: SftpTestServer;
  let t: TestApp;
  let account: TestAccount;
  let other: TestAccount;
  let mappingId: number;
  let connectionId: number;
  const logs: string[] = [];
  const client = (who = account) => t.sdk(who);

  beforeAll(async () => {
    server = await startSftpServer();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    t = await startTestApp({ LOG_LEVEL: 'trace' }, { logDestination: sink });
    account = await t.createAccount('SFTP schedules');
    other = await t.createAccount('SFTP schedules, other tenant');
    mappingId = await savedMapping(t, account);
    connectionId = await passwordConnection(t, account, server, 'Dépôt client');
  });
  afterAll(async () => {
    await t?.close();
    await server?.stop();
  });

  const importedEmails = async (importId: number) => {
    const rows: { email: string }[] = await t.database.dataSource.query(
      'SELECT email FROM contact WHERE account_id = $1 AND created_by_import_id = $2 ORDER BY email',
      [account.id, importId],
    );
    return rows.map((row) => row.email);
  };

  it('probes the host key: the same key and SHA-256 fingerprint as ssh-keygen reads from the server', async () => {
    const res = await probeSftpHost({ client: client(), body: { host: server.host, port: server.port } });
    expect(res.response.status).toBe(200);
    expect(res.data).toEqual({ hostKey: server.hostKey, keyType: 'ssh-ed25519', fingerprint: server.fingerprint });
  });

  it('logs in with a password and lists the directory; the password is never shown', async () => {
    const dir = server.newDirectory('listing');
    writeFileSync(join(dir, 'hello.csv'), 'a;b\n');
    const res = await testSftpConnection({ client: client(), path: { id: connectionId }, body: { directory: dir } });
    expect(res.response.status).toBe(200);
    expect(res.data!.entries).toEqual([expect.objectContaining({ name: 'hello.csv', type: 'file', size: 4 })]);
    const shown = await getSftpConnection({ client: client(), path: { id: connectionId } });
    expect(shown.data).toMatchObject({ username: PASSWORD_USER, authMethod: 'password', hostKey: server.hostKey });
    expect(shown.data!.hostKeyFingerprint).toBe(server.fingerprint);
    const listed = await listSftpConnections({ client: client() });
    for (const body of [shown.data, listed.data]) {
      expect(JSON.stringify(body)).not.toContain(server.password);
      expect(JSON.stringify(body)).not.toMatch(/"(secret|password|passphrase|privateKey)":/);
    }
    const [row]: { secret: string }[] = await t.database.dataSource.query(
      'SELECT secret FROM sftp_connection WHERE id = $1',
      [connectionId],
    );
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(server.password);
    // Another account does not see it.
    expect((await getSftpConnection({ client: client(other), path: { id: connectionId } })).response.status).toBe(404);
  });

  it('logs in with a private key and its passphrase; a wrong passphrase is refused up front', async () => {
    const body = {
      name: 'Par clé',
      host: server.host,
      port: server.port,
      username: KEY_USER,
      authMethod: 'key' as const,
      privateKey: server.privateKey,
      passphrase: server.passphrase,
      hostKey: server.hostKey,
    };
    const wrong = await createSftpConnection({ client: client(), body: { ...body, passphrase: 'not-it' } });
    expect(wrong.response.status).toBe(400);
    expect((wrong.error as { message: string }).message).toMatch(/encrypted and the passphrase is missing or wrong/);
    expect(JSON.stringify(wrong.error)).not.toContain('PRIVATE KEY');
    const created = await createSftpConnection({ client: client(), body });
    expect(created.response.status).toBe(201);
    expect(JSON.stringify(created.data)).not.toContain(server.passphrase);
    const dir = server.newDirectory('key-listing');
    writeFileSync(join(dir, 'par-cle.csv'), 'x\n');
    const res = await testSftpConnection({
      client: client(),
      path: { id: created.data!.id },
      body: { directory: dir },
    });
    expect(res.response.status).toBe(200);
    expect(res.data!.entries.map((e) => e.name)).toEqual(['par-cle.csv']);
  });

  it('refuses a server whose key is not the pinned one, naming both fingerprints', async () => {
    const created = await createSftpConnection({
      client: client(),
      body: {
        name: 'Mauvaise clé',
        host: server.host,
        port: server.port,
        username: PASSWORD_USER,
        authMethod: 'password',
        password: server.password,
        hostKey: server.otherHostKey,
      },
    });
    expect(created.response.status).toBe(201);
    const res = await testSftpConnection({ client: client(), path: { id: created.data!.id }, body: {} });
    expect(res.response.status).toBe(502);
    expect((res.error as { message: string }).message).toMatch(/presented the host key .* not the pinned .* refused/);
    const message = (res.error as { message: string }).message;
    expect(message).toContain(server.fingerprint);
    expect(message).toContain(created.data!.hostKeyFingerprint);
    // A wrong password is told apart from a wrong key.
    const badPassword = await createSftpConnection({
      client: client(),
      body: {
        name: 'Mauvais mot de passe',
        host: server.host,
        port: server.port,
        username: PASSWORD_USER,
        authMethod: 'password',
        password: 'Wrong-password-0000',
        hostKey: server.hostKey,
      },
    });
    const refused = await testSftpConnection({ client: client(), path: { id: badPassword.data!.id }, body: {} });
    expect(refused.response.status).toBe(502);
    expect((refused.error as { message: string }).message).toMatch(/refused the credentials of user "carnet-sftp-pw"/);
  });

  it('refuses bad schedules with reasons: cron, timezone, export kind, another account’s connection', async () => {
    const remoteDirectory = '/tmp';
    const base = { name: 'S', kind: 'import' as const, connectionId, mappingId, remoteDirectory, filePattern: '*.csv' };
    const badCron = await createSchedule({ client: client(), body: { ...base, cron: '0 25 * * *' } });
    expect(badCron.response.status).toBe(400);

    expect((badCron.error as { message: string }).message).toMatch(/hour: 25/);
    const badZone = await createSchedule({
      client: client(),
      body: { ...base, cron: '0 6 * * *', timezone: 'Mars/Base' },
    });
    expect(badZone.response.status).toBe(400);
    expect((badZone.error as { message: string }).message).toMatch(/Mars\/Base.*IANA/);
    const exportKind = await createSchedule({
      client: client(),
      body: { ...base, kind: 'export', cron: '0 6 * * *', fileNameTemplate: 'c_{yyyy}.csv' },
    });
    expect(exportKind.response.status).toBe(400);
    expect((exportKind.error as { message: string }).message).toMatch(/Scheduled exports are not available/);
    const foreign = await createSchedule({ client: client(other), body: { ...base, cron: '0 6 * * *' } });
    expect(foreign.response.status).toBe(404);
    const ok = await createSchedule({ client: client(), body: { ...base, cron: '30 6 * * 1-5' } });
    expect(ok.response.status).toBe(201);
    expect(ok.data).toMatchObject({
      timezone: 'Europe/Paris',
      enabled: true,
      completion: 'stable',
      afterImport: 'move',
    });
    expect(new Date(ok.data!.nextRunAt!).getTime()).toBeGreaterThan(Date.now());
    // In use: neither the connection nor the mapping can go.
    const deleting = await deleteSftpConnection({ client: client(), path: { id: connectionId } });
    expect(deleting.response.status).toBe(409);
    expect((deleting.error as { message: string }).message).toMatch(/is used by schedule\(s\) \d+/);
    expect((await deleteSavedMapping({ client: client(), path: { id: mappingId } })).response.status).toBe(409);
  });

  it('imports a dropped file with the saved mapping and consent, then moves it to processed/', async () => {
    const dir = server.newDirectory('drop');
    writeFileSync(join(dir, 'contacts_1.csv'), csv('lea@example.com;Léa;Martin', 'noe@example.com;Noé;Durand'));
    writeFileSync(join(dir, 'autre.csv'), csv('ignored@example.com;Not;Matched'));
    const schedule = await importSchedule(t, account, { connectionId, mappingId, remoteDirectory: dir });
    const run = await runNow(t, account, schedule.id);
    expect(run).toMatchObject({ status: 'done', trigger: 'manual', filesSeen: 1, filesTaken: 1, failure: null });
    expect(run.importIds).toHaveLength(1);
    const importId = run.importIds[0];
    expect(run.files).toEqual([
      {
        name: 'contacts_1.csv',
        size: expect.any(Number),
        outcome: 'imported',
        importId,
        movedTo: `${dir}/processed/contacts_1.csv`,
      },
    ]);
    expect((await t.finished(account, importId)).Status).toBe('done');
    expect(await importedEmails(importId)).toEqual(['lea@example.com', 'noe@example.com']);
    const history = await listImports({ client: client() });
    expect(history.data!.map((op) => op.Id)).toContain(importId);
    const [operation]: { consent: { confirmedBy: string } | null; name: string }[] = await t.database.dataSource.query(
      'SELECT consent, name FROM import_operation WHERE id = $1',
      [importId],
    );
    expect(operation.consent).toMatchObject({ confirmedBy: account.login });
    expect(operation.name).toBe('Dépôt quotidien: contacts_1.csv');
    expect(readdirSync(dir).sort()).toEqual(['autre.csv', 'processed']);
    expect(readdirSync(join(dir, 'processed'))).toEqual(['contacts_1.csv']);
    const runs = await listScheduleRuns({ client: client(), path: { id: schedule.id } });
    expect(runs.data!.map((r) => r.id)).toEqual([run.id]);

    // The same content dropped again under another name: not imported twice.
    writeFileSync(join(dir, 'contacts_2.csv'), readFileSync(join(dir, 'processed', 'contacts_1.csv')));
    const again = await runNow(t, account, schedule.id);
    expect(again).toMatchObject({ status: 'nothing_to_do', filesSeen: 1, filesTaken: 0, importIds: [] });
    expect(again.files).toEqual([expect.objectContaining({ name: 'contacts_2.csv', outcome: 'duplicate' })]);
    expect(readdirSync(join(dir, 'processed')).sort()).toEqual(['contacts_1.csv', 'contacts_2.csv']);
  });

  it('leaves a file whose size still grows until it settles', async () => {
    const dir = server.newDirectory('growing');
    const path = join(dir, 'contacts_big.csv');
    writeFileSync(path, HEADER_ROW);
    let n = 0;
    const writer = setInterval(() => appendFileSync(path, `grow${n++}@example.com;G;${n}\n`), 100);
    const schedule = await importSchedule(t, account, { connectionId, mappingId, remoteDirectory: dir });
    let run;
    try {
      run = await runNow(t, account, schedule.id);
    } finally {
      clearInterval(writer);
    }
    expect(run).toMatchObject({ status: 'nothing_to_do', filesSeen: 1, filesTaken: 0, importIds: [] });
    expect(run.files).toEqual([expect.objectContaining({ name: 'contacts_big.csv', outcome: 'unsettled' })]);
    expect(readdirSync(dir)).toEqual(['contacts_big.csv']);
    const settled = await runNow(t, account, schedule.id);
    expect(settled).toMatchObject({ status: 'done', filesTaken: 1 });
    expect((await t.finished(account, settled.importIds[0])).LineAdd).toBe(n);
  });

  it('imports a file with bad rows, with its error report, and moves it', async () => {
    const dir = server.newDirectory('bad-rows');
    writeFileSync(join(dir, 'contacts_bad.csv'), csv('ok@example.com;Ok;Row', 'not-an-address;Bad;Row'));
    const schedule = await importSchedule(t, account, {
      connectionId,
      mappingId,
      remoteDirectory: dir,
      afterImport: 'rename',
    });
    const run = await runNow(t, account, schedule.id);
    expect(run).toMatchObject({ status: 'done', filesTaken: 1 });
    const done = await t.finished(account, run.importIds[0]);
    expect(done).toMatchObject({ Status: 'done', LineAdd: 1, LineError: 1 });
    const report: { line: number; reasons: string }[] = await t.database.dataSource.query(
      'SELECT line, reasons FROM import_rejection WHERE operation_id = $1',
      [run.importIds[0]],
    );
    expect(report).toEqual([expect.objectContaining({ line: 3 })]);
    expect(readdirSync(dir)).toEqual(['contacts_bad.csv.imported']);
  });

  it('moves a broken file to failed/ with the reason in the run, and imports nothing', async () => {
    const dir = server.newDirectory('broken');
    writeFileSync(join(dir, 'contacts_broken.csv'), 'email;prenom;nom;ville\nx@example.com;X;Y;Nantes\n');
    const schedule = await importSchedule(t, account, { connectionId, mappingId, remoteDirectory: dir });
    const before = (await listImports({ client: client() })).data!.length;
    const run = await runNow(t, account, schedule.id);
    expect(run.status).toBe('failed');
    expect(run.failure).toMatch(/contacts_broken\.csv: .*4.*3|contacts_broken\.csv: .*3.*4/);
    expect(run.files).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        movedTo: `${dir}/failed/contacts_broken.csv`,
        reason: expect.any(String),
      }),
    ]);
    expect(readdirSync(join(dir, 'failed'))).toEqual(['contacts_broken.csv']);
    expect((await listImports({ client: client() })).data!.length).toBe(before);
  });

  it('with the marker rule, takes a file only once its .done marker exists', async () => {
    const dir = server.newDirectory('marker');
    writeFileSync(join(dir, 'contacts_m.csv'), csv('marker@example.com;Mark;Er'));
    const schedule = await importSchedule(t, account, {
      connectionId,
      mappingId,
      remoteDirectory: dir,
      completion: 'marker',
      afterImport: 'delete',
    });
    expect(await runNow(t, account, schedule.id)).toMatchObject({ status: 'nothing_to_do', filesSeen: 0 });
    writeFileSync(join(dir, 'contacts_m.csv.done'), '');
    const run = await runNow(t, account, schedule.id);
    expect(run).toMatchObject({ status: 'done', filesTaken: 1 });
    expect(run.files[0].movedTo).toBeNull();
    expect(existsSync(join(dir, 'contacts_m.csv'))).toBe(false);
    expect((await getImport({ client: client(), path: { id: run.importIds[0] } })).response.status).toBe(200);
  });

  it('fails the run with the reason when the server goes away mid-run, leaving no half-done state', async () => {
    const dir = server.newDirectory('going-away');
    writeFileSync(join(dir, 'contacts_lost.csv'), csv('lost@example.com;Lost;Connection'));
    const schedule = await importSchedule(t, account, { connectionId, mappingId, remoteDirectory: dir });
    const before = (await listImports({ client: client() })).data!.length;
    // Run here, not through the queue, with a stability wait long enough to take the server away during it.
    const config = t.app.get<CarnetConfig>(CARNET_CONFIG);
    config.sftpStableSeconds = 5;
    const queued = await t.app.get(SchedulesRepository).insertManualRun(account.id, schedule.id);
    const running = t.app.get(ScheduleRunner).run(queued.id);
    let run;
    try {
      for (let i = 0; i < 400; i++) {
        const seen = await getScheduleRun({ client: client(), path: { id: schedule.id, runId: queued.id } }).then(
          (r) => r.data!,
        );
        if (seen.filesSeen > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      server.kill();
      await running;
      run = await runFinished(t, account, schedule.id, queued.id);
    } finally {
      config.sftpStableSeconds = 1;
      await server.start();
    }
    expect(run.status).toBe('failed');
    expect(run.failure).toMatch(/connection to the SFTP server 127.0.0.1 was lost mid-run/);
    expect(run.importIds).toEqual([]);
    expect((await listImports({ client: client() })).data!.length).toBe(before);
    const claims: unknown[] = await t.database.dataSource.query(
      "SELECT id FROM schedule_file WHERE schedule_id = $1 AND status = 'claimed'",
      [schedule.id],
    );
    expect(claims).toEqual([]);
    expect(readdirSync(dir)).toEqual(['contacts_lost.csv']);
    // With the server back, the next run takes the file.
    expect(await runNow(t, account, schedule.id)).toMatchObject({ status: 'done', filesTaken: 1 });
  });

  it('never writes a password, passphrase or private key to the logs of all these runs', () => {
    const written = logs.join('');
    expect(written).toContain('run'); // the logs were captured
    expect(written).not.toContain(server.password);
    expect(written).not.toContain(server.passphrase);
    const keyBody = server.privateKey.split('\n').filter((line) => line && !line.startsWith('-----'));
    for (const line of keyBody) expect(written).not.toContain(line);
  });
});

const HEADER_ROW = 'email;prenom;nom\n';
