import {
  chooseImportDraftSheet,
  confirmImportDraft,
  createSavedMapping,
  createSchedule,
  createSftpConnection,
  getScheduleRun,
  runScheduleNow,
  setImportDraftMatchings,
  uploadImportDraft,
  type CreateScheduleDto,
  type ScheduleRunDto,
} from '../sdk';
import type { TestAccount, TestApp } from './harness';
import type { SftpTestServer } from './sftp-server';
import { PASSWORD_USER } from './sftp-server';

export const HEADER = 'email;prenom;nom\n';
export const csv = (...rows: string[]) => HEADER + rows.map((row) => `${row}\n`).join('');

/** A finished guided import (consent given) of `email;prenom;nom`, saved as a mapping; answers the mapping's id. */
export async function savedMapping(t: TestApp, account: TestAccount, name = 'Clients'): Promise<number> {
  const client = t.sdk(account);
  const file = new File([csv('modele@example.com;Modèle;Import')], 'modele.csv');
  const draft = (await uploadImportDraft({ client, body: { file } })).data!;
  await chooseImportDraftSheet({ client, path: { id: draft.id }, body: { headerLine: 1 } });
  await setImportDraftMatchings({
    client,
    path: { id: draft.id },
    body: { matchings: ['email', 'firstname', 'lastname'] },
  });
  const confirmed = await confirmImportDraft({ client, path: { id: draft.id }, body: { consent: true } });
  expect(confirmed.response.status).toBe(201);
  expect((await t.finished(account, confirmed.data!.Id)).Status).toBe('done');
  const mapping = await createSavedMapping({ client, body: { name, importId: confirmed.data!.Id } });
  expect(mapping.response.status).toBe(201);
  return mapping.data!.id;
}

export async function passwordConnection(t: TestApp, account: TestAccount, server: SftpTestServer, name: string) {
  const res = await createSftpConnection({
    client: t.sdk(account),
    body: {
      name,
      host: server.host,
      port: server.port,
      username: PASSWORD_USER,
      authMethod: 'password',
      password: server.password,
      hostKey: server.hostKey,
    },
  });
  expect(res.response.status).toBe(201);
  return res.data!.id;
}

/** An import schedule that the cron never reaches during a test (runs come from "run now" or a forced tick). */
export async function importSchedule(
  t: TestApp,
  account: TestAccount,
  fields: Pick<CreateScheduleDto, 'connectionId' | 'mappingId' | 'remoteDirectory'> & Partial<CreateScheduleDto>,
) {
  const res = await createSchedule({
    client: t.sdk(account),
    body: { name: 'Dépôt quotidien', kind: 'import', cron: '0 0 1 1 *', filePattern: 'contacts_*.csv', ...fields },
  });
  expect(res.response.status).toBe(201);
  return res.data!;
}

export async function runFinished(
  t: TestApp,
  account: TestAccount,
  scheduleId: number,
  runId: number,
): Promise<ScheduleRunDto> {
  for (let i = 0; i < 600; i++) {
    const res = await getScheduleRun({ client: t.sdk(account), path: { id: scheduleId, runId } });
    expect(res.response.status).toBe(200);
    if (!['queued', 'running'].includes(res.data!.status)) return res.data!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

export async function runNow(t: TestApp, account: TestAccount, scheduleId: number): Promise<ScheduleRunDto> {
  const res = await runScheduleNow({ client: t.sdk(account), path: { id: scheduleId } });
  expect(res.response.status).toBe(202);
  expect(res.data!.status).toBe('queued');
  return runFinished(t, account, scheduleId, res.data!.id);
}
