import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccountSettings, SettingsPatch } from './account-settings';
import { AccountContext } from '../../common/auth.decorators';

interface AccountRow extends AccountContext {
  name: string;
  apiKeyHash: string;
}

const SELECT = `SELECT id, name, login, api_key_hash AS "apiKeyHash", uniqueness_key AS "uniquenessKey",
  default_country AS "defaultCountry", allow_duplicates AS "allowDuplicates", timezone,
  soft_bounce_limit AS "softBounceLimit", activity_days AS "activityDays" FROM account`;

const SETTING_COLUMNS: Record<keyof AccountSettings, string> = {
  uniquenessKey: 'uniqueness_key',
  defaultCountry: 'default_country',
  allowDuplicates: 'allow_duplicates',
  timezone: 'timezone',
  softBounceLimit: 'soft_bounce_limit',
  activityDays: 'activity_days',
};

@Injectable()
export class AccountsRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * The account's row, locked until the transaction ends: settings changes queue up, and so does any insert of a
   * row referencing the account (an import operation, a contact): their foreign key check needs a share lock.
   */
  async lockForUpdate(em: EntityManager, id: string): Promise<AccountRow | undefined> {
    const rows: AccountRow[] = await em.query(`${SELECT} WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  async insert(name: string, login: string, apiKeyHash: string): Promise<AccountRow> {
    const rows: AccountRow[] = await this.db.query(
      `WITH created AS (INSERT INTO account (name, login, api_key_hash) VALUES ($1, $2, $3) RETURNING *) ${SELECT.replace('FROM account', 'FROM created')}`,
      [name, login, apiKeyHash],
    );
    return rows[0];
  }

  async findById(id: string): Promise<AccountRow | undefined> {
    const rows: AccountRow[] = await this.db.query(`${SELECT} WHERE id = $1`, [id]);
    return rows[0];
  }

  async findByLogin(login: string): Promise<AccountRow | undefined> {
    const rows: AccountRow[] = await this.db.query(`${SELECT} WHERE login = $1`, [login]);
    return rows[0];
  }

  async findByKeyHash(apiKeyHash: string): Promise<AccountRow | undefined> {
    const rows: AccountRow[] = await this.db.query(`${SELECT} WHERE api_key_hash = $1`, [apiKeyHash]);
    return rows[0];
  }

  async loginExists(login: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM account WHERE login = $1', [login]);
    return rows.length > 0;
  }

  async replaceKeyHash(id: string, apiKeyHash: string): Promise<AccountRow | undefined> {
    await this.db.query('UPDATE account SET api_key_hash = $2 WHERE id = $1', [id, apiKeyHash]);
    return this.findById(id);
  }

  async updateSettings(em: EntityManager, id: string, patch: SettingsPatch): Promise<void> {
    const entries = Object.entries(patch) as [keyof AccountSettings, unknown][];
    if (entries.length === 0) return;
    const assignments = entries.map(([name], i) => `${SETTING_COLUMNS[name]} = $${i + 2}`).join(', ');
    await em.query(`UPDATE account SET ${assignments} WHERE id = $1`, [id, ...entries.map(([, v]) => v)]);
  }
}
