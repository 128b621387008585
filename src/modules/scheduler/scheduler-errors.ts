import { HttpStatus } from '@nestjs/common';
import { BadRequest, Conflict, DomainError } from '../../common/errors';

/** A remote server that could not be used: the caller's configuration or the server is at fault, not Carnet. */
class RemoteError extends DomainError {
  constructor(code: string, message: string) {
    super(HttpStatus.BAD_GATEWAY, code, message);
  }
}

/** The scheduler's coded errors, each saying what to fix. No message ever quotes a password, key or passphrase. */
export const schedulerErrors = {
  badHostKey: () =>
    new BadRequest(
      'SftpHostKeyInvalid',
      'hostKey must be the server key as the probe answers it ("<type> <base64>", e.g. "ssh-ed25519 AAAA…")',
    ),
  credentialsMissing: (method: string) =>
    new BadRequest(
      'SftpCredentialsMissing',
      method === 'password'
        ? 'a password connection needs "password"'
        : 'a key connection needs "privateKey" (and "passphrase" when the key is encrypted)',
    ),
  privateKeyUnreadable: (reason: string) => new BadRequest('SftpPrivateKeyUnreadable', `privateKey: ${reason}`),
  hostKeyMismatch: (host: string, port: number, presented: string, pinned: string) =>
    new RemoteError(
      'SftpHostKeyMismatch',
      `The SFTP server ${host}:${port} presented the host key ${presented}, not the pinned ${pinned}: ` +
        'the connection was refused. If the server key was changed on purpose, probe it again and update the ' +
        "connection's hostKey; otherwise someone may be impersonating the server.",
    ),
  authenticationFailed: (host: string, username: string) =>
    new RemoteError(
      'SftpAuthenticationFailed',
      `The SFTP server ${host} refused the credentials of user "${username}": check the password or key`,
    ),
  unreachable: (host: string, port: number, reason: string) =>
    new RemoteError('SftpUnreachable', `The SFTP server ${host}:${port} could not be reached: ${reason}`),
  connectionLost: (host: string, reason: string) =>
    new RemoteError('SftpConnectionLost', `The connection to the SFTP server ${host} was lost mid-run: ${reason}`),
  remoteOperationFailed: (what: string, reason: string) =>
    new RemoteError('SftpOperationFailed', `The SFTP server failed ${what}: ${reason}`),
  connectionInUse: (id: number, schedules: number[]) =>
    new Conflict(
      'SftpConnectionInUse',
      `SFTP connection ${id} is used by schedule(s) ${schedules.join(', ')}: delete or change them first`,
    ),
  connectionNameTaken: (name: string) =>
    new Conflict('SftpConnectionNameTaken', `An SFTP connection named "${name}" already exists in this account`),
  mappingNameTaken: (name: string) =>
    new Conflict('SavedMappingNameTaken', `A saved mapping named "${name}" already exists in this account`),
  mappingInUse: (id: number, schedules: number[]) =>
    new Conflict(
      'SavedMappingInUse',
      `Saved mapping ${id} is used by schedule(s) ${schedules.join(', ')}: delete or change them first`,
    ),
  importNotFinished: (id: number, status: string) =>
    new Conflict(
      'ImportNotFinished',
      `Import ${id} is ${status}: a mapping is saved from an import that finished (status done)`,
    ),
  badCron: (reason: string) => new BadRequest('ScheduleCronInvalid', reason),
  scheduleFieldMissing: (kind: string, field: string) =>
    new BadRequest('ScheduleFieldMissing', `an ${kind} schedule needs "${field}"`),
  badFileNameTemplate: (unknown: string[]) =>
    new BadRequest(
      'ScheduleFileNameInvalid',
      `unknown placeholder(s) ${unknown.map((p) => `{${p}}`).join(', ')}; use {yyyy} {mm} {dd} {hh} {mi} {ss}`,
    ),
  exportSchedulesNotAvailable: () =>
    new BadRequest(
      'ExportSchedulesNotAvailable',
      'Scheduled exports are not available yet on this server (the exports module is not in this version): ' +
        'only kind "import" schedules can be created',
    ),
  scheduleRunning: (id: number) =>
    new Conflict('ScheduleRunInProgress', `Schedule ${id} is running now: wait for the run to finish`),
};
