import { Injectable } from '@nestjs/common';
import type { AccountContext } from '../../common/auth.decorators';
import { NotFound } from '../../common/errors';
import { SecretBox } from '../../common/secret-box';
import {
  CreateSftpConnectionDto,
  ProbeSftpHostDto,
  SftpConnectionDto,
  SftpDirectoryListingDto,
  SftpHostKeyDto,
  TestSftpConnectionDto,
  UpdateSftpConnectionDto,
} from './dto/sftp-connection.dto';
import { schedulerErrors } from './scheduler-errors';
import { SchedulesRepository } from './schedules.repository';
import type { SftpAuthMethod } from './sftp-connection.entity';
import { SftpConnectionsRepository, type ConnectionRow, type NewConnection } from './sftp-connections.repository';
import { privateKeyProblem, probeHostKey, readHostKey, SftpSession, type SftpTarget } from './sftp-session';

/** Sealed credentials open only for the account they were stored for. */
const sealPurpose = (accountId: string) => `sftp-connection:${accountId}`;

interface Credentials {
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

function toDto(row: ConnectionRow): SftpConnectionDto {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    username: row.username,
    authMethod: row.authMethod,
    hostKey: row.hostKey,
    hostKeyFingerprint: row.hostKeyFingerprint,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The credentials a method needs, checked (a key must be readable with its passphrase). */
function credentialsFor(method: SftpAuthMethod, given: Credentials): Credentials {
  if (method === 'password') {
    if (!given.password) throw schedulerErrors.credentialsMissing(method);
    return { password: given.password };
  }
  if (!given.privateKey) throw schedulerErrors.credentialsMissing(method);
  const problem = privateKeyProblem(given.privateKey, given.passphrase);
  if (problem) throw schedulerErrors.privateKeyUnreadable(problem);
  return { privateKey: given.privateKey, passphrase: given.passphrase || undefined };
}

/** SFTP connections: credentials sealed with SECRET_KEY and never shown, the server's host key pinned. */
@Injectable()
export class SftpConnectionsService {
  constructor(
    private readonly connections: SftpConnectionsRepository,
    private readonly schedules: SchedulesRepository,
    private readonly secrets: SecretBox,
  ) {}

  probe(dto: ProbeSftpHostDto): Promise<SftpHostKeyDto> {
    return probeHostKey(dto.host, dto.port ?? 22);
  }

  async create(account: AccountContext, dto: CreateSftpConnectionDto): Promise<SftpConnectionDto> {
    const pinned = readHostKey(dto.hostKey);
    if (!pinned) throw schedulerErrors.badHostKey();
    const row = await this.connections.insert(account.id, {
      name: dto.name.trim(),
      host: dto.host,
      port: dto.port ?? 22,
      username: dto.username,
      authMethod: dto.authMethod,
      secret: this.seal(account.id, credentialsFor(dto.authMethod, dto)),
      hostKey: pinned.hostKey,
      hostKeyFingerprint: pinned.fingerprint,
    });
    if (!row) throw schedulerErrors.connectionNameTaken(dto.name.trim());
    return toDto(row);
  }

  async list(account: AccountContext): Promise<SftpConnectionDto[]> {
    return (await this.connections.list(account.id)).map(toDto);
  }

  async get(account: AccountContext, id: number): Promise<SftpConnectionDto> {
    return toDto(await this.mustFind(account, id));
  }

  async update(account: AccountContext, id: number, dto: UpdateSftpConnectionDto): Promise<SftpConnectionDto> {
    const current = await this.mustFind(account, id);
    const changes: Partial<NewConnection> = {
      name: dto.name?.trim(),
      host: dto.host,
      port: dto.port,
      username: dto.username,
    };
    if (dto.authMethod || dto.password || dto.privateKey || dto.passphrase) {
      const method = dto.authMethod ?? current.authMethod;
      changes.authMethod = method;
      changes.secret = this.seal(account.id, credentialsFor(method, dto));
    }
    if (dto.hostKey !== undefined) {
      const pinned = readHostKey(dto.hostKey);
      if (!pinned) throw schedulerErrors.badHostKey();
      changes.hostKey = pinned.hostKey;
      changes.hostKeyFingerprint = pinned.fingerprint;
    }
    const row = await this.connections.update(account.id, id, changes);
    if (row === 'taken') throw schedulerErrors.connectionNameTaken(dto.name!.trim());
    if (!row) throw new NotFound('SftpConnection', id);
    return toDto(row);
  }

  async delete(account: AccountContext, id: number): Promise<void> {
    await this.mustFind(account, id);
    if (!(await this.connections.delete(account.id, id))) {
      throw schedulerErrors.connectionInUse(id, await this.schedules.using(account.id, 'connection', id));
    }
  }

  /** Connects with the pinned key and lists the directory. */
  async test(account: AccountContext, id: number, dto: TestSftpConnectionDto): Promise<SftpDirectoryListingDto> {
    const directory = dto.directory ?? '.';
    const session = await SftpSession.open(await this.target(account.id, id));
    try {
      const entries = await session.entries(directory);
      return {
        directory,
        entries: entries.map((entry) => ({ ...entry, modifiedAt: new Date(entry.modifiedAt).toISOString() })),
      };
    } finally {
      await session.close();
    }
  }

  /** Whether the account has the connection (schedules check it). */
  async exists(accountId: string, id: number): Promise<boolean> {
    return (await this.connections.find(accountId, id)) !== null;
  }

  /** How to reach the server, with the opened credentials (kept in memory for one session only). */
  async target(accountId: string, id: number): Promise<SftpTarget> {
    const row = await this.connections.find(accountId, id);
    if (!row) throw new NotFound('SftpConnection', id);
    const credentials = JSON.parse(this.secrets.open(row.secret, sealPurpose(accountId))) as Credentials;
    return { host: row.host, port: row.port, username: row.username, hostKey: row.hostKey, ...credentials };
  }

  private seal(accountId: string, credentials: Credentials): string {
    return this.secrets.seal(JSON.stringify(credentials), sealPurpose(accountId));
  }

  private async mustFind(account: AccountContext, id: number): Promise<ConnectionRow> {
    const row = await this.connections.find(account.id, id);
    if (!row) throw new NotFound('SftpConnection', id);
    return row;
  }
}
