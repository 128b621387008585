import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { violated } from '../../common/unique-violation';
import type { SftpConnection } from './sftp-connection.entity';

export type ConnectionRow = Omit<SftpConnection, 'account'>;
export type NewConnection = Pick<
  ConnectionRow,
  'name' | 'host' | 'port' | 'username' | 'authMethod' | 'secret' | 'hostKey' | 'hostKeyFingerprint'
>;

const SELECT = `SELECT id::int AS id, account_id AS "accountId", name, host, port, username, auth_method AS "authMethod",
  secret, host_key AS "hostKey", host_key_fingerprint AS "hostKeyFingerprint", created_at AS "createdAt",
  updated_at AS "updatedAt" FROM sftp_connection`;

@Injectable()
export class SftpConnectionsRepository {
  constructor(private readonly db: DataSource) {}

  /** Null when the name is taken in the account. */
  async insert(accountId: string, connection: NewConnection): Promise<ConnectionRow | null> {
    const rows: { id: number }[] = await this.db.query(
      `INSERT INTO sftp_connection (account_id, name, host, port, username, auth_method, secret, host_key,
         host_key_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (account_id, name) DO NOTHING RETURNING id::int AS id`,
      [
        accountId,
        connection.name,
        connection.host,
        connection.port,
        connection.username,
        connection.authMethod,
        connection.secret,
        connection.hostKey,
        connection.hostKeyFingerprint,
      ],
    );
    return rows.length ? this.find(accountId, rows[0].id) : null;
  }

  async find(accountId: string, id: number): Promise<ConnectionRow | null> {
    const rows: ConnectionRow[] = await this.db.query(`${SELECT} WHERE account_id = $1 AND id = $2`, [accountId, id]);
    return rows[0] ?? null;
  }

  async list(accountId: string): Promise<ConnectionRow[]> {
    return this.db.query(`${SELECT} WHERE account_id = $1 ORDER BY id`, [accountId]);
  }

  /** Null when the new name is taken. */
  async update(
    accountId: string,
    id: number,
    changes: Partial<NewConnection>,
  ): Promise<ConnectionRow | null | 'taken'> {
    const columns: Record<keyof NewConnection, string> = {
      name: 'name',
      host: 'host',
      port: 'port',
      username: 'username',
      authMethod: 'auth_method',
      secret: 'secret',
      hostKey: 'host_key',
      hostKeyFingerprint: 'host_key_fingerprint',
    };
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [
      keyof NewConnection,
      string | number,
    ][];
    const sets = entries.map(([key], i) => `${columns[key]} = $${i + 3}`);
    try {
      const [rows]: [{ id: number }[], number] = await this.db.query(
        `UPDATE sftp_connection SET ${[...sets, 'updated_at = now()'].join(', ')}
         WHERE account_id = $1 AND id = $2 RETURNING id::int AS id`,
        [accountId, id, ...entries.map(([, value]) => value)],
      );
      return rows.length ? this.find(accountId, id) : null;
    } catch (error) {
      if (violated(error, 'unique')) return 'taken';
      throw error;
    }
  }

  /** False when a schedule started using it meanwhile (the foreign key refuses). */
  async delete(accountId: string, id: number): Promise<boolean> {
    try {
      await this.db.query('DELETE FROM sftp_connection WHERE account_id = $1 AND id = $2', [accountId, id]);
      return true;
    } catch (error) {
      if (violated(error, 'foreign-key')) return false;
      throw error;
    }
  }
}
