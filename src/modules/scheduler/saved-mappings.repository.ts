import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { violated } from '../../common/unique-violation';
import type { SavedMapping } from './saved-mapping.entity';

export type MappingRow = Omit<SavedMapping, 'account'>;
export type NewMapping = Pick<MappingRow, 'name' | 'sourceImportId' | 'settings' | 'consent'>;

const SELECT = `SELECT id::int AS id, account_id AS "accountId", name, source_import_id::int AS "sourceImportId",
  settings, consent, created_at AS "createdAt" FROM saved_mapping`;

@Injectable()
export class SavedMappingsRepository {
  constructor(private readonly db: DataSource) {}

  /** Null when the name is taken in the account. */
  async insert(accountId: string, mapping: NewMapping): Promise<MappingRow | null> {
    const rows: { id: number }[] = await this.db.query(
      `INSERT INTO saved_mapping (account_id, name, source_import_id, settings, consent) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id, name) DO NOTHING RETURNING id::int AS id`,
      [accountId, mapping.name, mapping.sourceImportId, mapping.settings, mapping.consent],
    );
    return rows.length ? this.find(accountId, rows[0].id) : null;
  }

  async find(accountId: string, id: number): Promise<MappingRow | null> {
    const rows: MappingRow[] = await this.db.query(`${SELECT} WHERE account_id = $1 AND id = $2`, [accountId, id]);
    return rows[0] ?? null;
  }

  async list(accountId: string): Promise<MappingRow[]> {
    return this.db.query(`${SELECT} WHERE account_id = $1 ORDER BY id`, [accountId]);
  }

  /** `taken` when the new name is used by another mapping. */
  async rename(accountId: string, id: number, name: string): Promise<MappingRow | null | 'taken'> {
    try {
      const [rows]: [unknown[], number] = await this.db.query(
        'UPDATE saved_mapping SET name = $3 WHERE account_id = $1 AND id = $2 RETURNING id',
        [accountId, id, name],
      );
      return rows.length ? this.find(accountId, id) : null;
    } catch (error) {
      if (violated(error, 'unique')) return 'taken';
      throw error;
    }
  }

  /** False when a schedule started using it meanwhile. */
  async delete(accountId: string, id: number): Promise<boolean> {
    try {
      await this.db.query('DELETE FROM saved_mapping WHERE account_id = $1 AND id = $2', [accountId, id]);
      return true;
    } catch (error) {
      if (violated(error, 'foreign-key')) return false;
      throw error;
    }
  }
}
