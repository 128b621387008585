import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CustomFieldFormat } from './custom-field.entity';

export interface FieldRow {
  id: number;
  name: string;
  description: string;
  format: CustomFieldFormat;
  options: string;
  createdAt: Date;
}

export interface ValueRow {
  id: number;
  fieldId: number;
  text: string;
  position: number;
  createdAt: Date;
}

const FIELD_COLUMNS = 'id, name, description, format, options, created_at AS "createdAt"';
const VALUE_COLUMNS = 'id, field_id AS "fieldId", text, position, created_at AS "createdAt"';

@Injectable()
export class FieldsRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  listFields(accountId: string): Promise<FieldRow[]> {
    return this.db.query(`SELECT ${FIELD_COLUMNS} FROM custom_field WHERE account_id = $1 ORDER BY id`, [accountId]);
  }

  async findField(accountId: string, id: number, em: EntityManager = this.db.manager): Promise<FieldRow | undefined> {
    const rows: FieldRow[] = await em.query(
      `SELECT ${FIELD_COLUMNS} FROM custom_field WHERE account_id = $1 AND id = $2`,
      [accountId, id],
    );
    return rows[0];
  }

  async nameTaken(accountId: string, name: string, exceptId = 0): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      'SELECT 1 FROM custom_field WHERE account_id = $1 AND name_key = $2 AND id <> $3',
      [accountId, name.toLowerCase(), exceptId],
    );
    return rows.length > 0;
  }

  async insertField(
    accountId: string,
    field: Pick<FieldRow, 'name' | 'description' | 'format' | 'options'>,
  ): Promise<FieldRow> {
    const rows: FieldRow[] = await this.db.query(
      `INSERT INTO custom_field (account_id, name, name_key, description, format, options)
       VALUES ($1, $2, lower($2), $3, $4, $5) RETURNING ${FIELD_COLUMNS}`,
      [accountId, field.name, field.description, field.format, field.options],
    );
    return rows[0];
  }

  async updateField(
    accountId: string,
    id: number,
    patch: Pick<FieldRow, 'name' | 'description' | 'options'>,
  ): Promise<FieldRow | undefined> {
    const [rows] = await this.db.query<[FieldRow[], number]>(
      `UPDATE custom_field SET name = $3, name_key = lower($3), description = $4, options = $5
       WHERE account_id = $1 AND id = $2 RETURNING ${FIELD_COLUMNS}`,
      [accountId, id, patch.name, patch.description, patch.options],
    );
    return rows[0];
  }

  /**
   * Deletes the field and strips its values from every contact. Custom values live in the
   * contact's JSONB keyed by field id, so the field owns their lifecycle.
   */
  async deleteField(accountId: string, id: number): Promise<boolean> {
    return this.db.transaction(async (em) => {
      await em.query('UPDATE contact SET fields = fields - $2::text WHERE account_id = $1 AND fields ? $2::text', [
        accountId,
        String(id),
      ]);
      const [, count] = await em.query<[unknown, number]>(
        'DELETE FROM custom_field WHERE account_id = $1 AND id = $2',
        [accountId, id],
      );
      return count > 0;
    });
  }

  listValues(accountId: string, fieldIds: number[]): Promise<ValueRow[]> {
    return this.db.query(
      `SELECT ${VALUE_COLUMNS} FROM field_value WHERE account_id = $1 AND field_id = ANY($2::bigint[])
       ORDER BY field_id, position`,
      [accountId, fieldIds],
    );
  }

  async findValue(accountId: string, id: number, em: EntityManager = this.db.manager): Promise<ValueRow | undefined> {
    const rows: ValueRow[] = await em.query(
      `SELECT ${VALUE_COLUMNS} FROM field_value WHERE account_id = $1 AND id = $2`,
      [accountId, id],
    );
    return rows[0];
  }

  async valueTextTaken(accountId: string, fieldId: number, text: string, exceptId: number, em: EntityManager) {
    const rows: unknown[] = await em.query(
      'SELECT 1 FROM field_value WHERE account_id = $1 AND field_id = $2 AND text_key = lower($3) AND id <> $4',
      [accountId, fieldId, text, exceptId],
    );
    return rows.length > 0;
  }

  async countValues(accountId: string, fieldId: number, em: EntityManager): Promise<number> {
    const rows: { count: number }[] = await em.query(
      'SELECT count(*)::int AS count FROM field_value WHERE account_id = $1 AND field_id = $2',
      [accountId, fieldId],
    );
    return rows[0].count;
  }

  /** Locks the field's row so concurrent reorderings of its list queue up. */
  async lockField(accountId: string, fieldId: number, em: EntityManager): Promise<void> {
    await em.query('SELECT 1 FROM custom_field WHERE account_id = $1 AND id = $2 FOR UPDATE', [accountId, fieldId]);
  }

  /** Opens a gap at `position` (shifting later values down) and inserts the value there. */
  async insertValueAt(
    accountId: string,
    fieldId: number,
    text: string,
    position: number,
    em: EntityManager,
  ): Promise<ValueRow> {
    await em.query(
      'UPDATE field_value SET position = position + 1 WHERE account_id = $1 AND field_id = $2 AND position >= $3',
      [accountId, fieldId, position],
    );
    const rows: ValueRow[] = await em.query(
      `INSERT INTO field_value (account_id, field_id, text, text_key, position) VALUES ($1, $2, $3, lower($3), $4)
       RETURNING ${VALUE_COLUMNS}`,
      [accountId, fieldId, text, position],
    );
    return rows[0];
  }

  /** Adds values at the end of the list, skipping texts already present; returns all matching values. */
  async appendValues(accountId: string, fieldId: number, texts: string[], em: EntityManager): Promise<ValueRow[]> {
    return em.query(
      `WITH last AS (
         SELECT coalesce(max(position), 0) AS position FROM field_value WHERE account_id = $1 AND field_id = $2),
       inserted AS (
         INSERT INTO field_value (account_id, field_id, text, text_key, position)
         SELECT $1, $2, t.text, lower(t.text), last.position + t.ord FROM unnest($3::text[]) WITH ORDINALITY AS t(text, ord), last
         ON CONFLICT (field_id, text_key) DO NOTHING RETURNING ${VALUE_COLUMNS})
       SELECT * FROM inserted`,
      [accountId, fieldId, texts],
    );
  }

  /** Moves a value to `position` and renames it, keeping positions contiguous. */
  async moveValue(
    accountId: string,
    value: ValueRow,
    text: string,
    position: number,
    em: EntityManager,
  ): Promise<ValueRow> {
    if (position < value.position) {
      await em.query(
        `UPDATE field_value SET position = position + 1
         WHERE account_id = $1 AND field_id = $2 AND position >= $3 AND position < $4`,
        [accountId, value.fieldId, position, value.position],
      );
    } else if (position > value.position) {
      await em.query(
        `UPDATE field_value SET position = position - 1
         WHERE account_id = $1 AND field_id = $2 AND position > $3 AND position <= $4`,
        [accountId, value.fieldId, value.position, position],
      );
    }
    const [rows] = await em.query<[ValueRow[], number]>(
      `UPDATE field_value SET text = $3, text_key = lower($3), position = $4 WHERE account_id = $1 AND id = $2
       RETURNING ${VALUE_COLUMNS}`,
      [accountId, value.id, text, position],
    );
    return rows[0];
  }

  /** Deletes a value, closes the gap, and removes it from every contact that had it. */
  async deleteValue(accountId: string, value: ValueRow, em: EntityManager): Promise<void> {
    const key = String(value.fieldId);
    await em.query(
      `UPDATE contact SET fields = CASE
         WHEN jsonb_typeof(fields -> $2) = 'array' AND jsonb_array_length(fields -> $2) > 1
           THEN jsonb_set(fields, ARRAY[$2],
             (SELECT jsonb_agg(e) FROM jsonb_array_elements(fields -> $2) e WHERE e <> to_jsonb($3::bigint)))
         ELSE fields - $2 END
       WHERE account_id = $1 AND (fields @> jsonb_build_object($2::text, $3::bigint)
          OR fields @> jsonb_build_object($2::text, jsonb_build_array($3::bigint)))`,
      [accountId, key, value.id],
    );
    await em.query('DELETE FROM field_value WHERE account_id = $1 AND id = $2', [accountId, value.id]);
    await em.query(
      'UPDATE field_value SET position = position - 1 WHERE account_id = $1 AND field_id = $2 AND position > $3',
      [accountId, value.fieldId, value.position],
    );
  }
}
