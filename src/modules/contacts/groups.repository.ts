import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface GroupRow {
  id: number;
  name: string;
  createdAt: Date;
  contactCount: number;
}

const SELECT = `SELECT g.id, g.name, g.created_at AS "createdAt",
  (SELECT count(*)::int FROM group_member m WHERE m.account_id = g.account_id AND m.group_id = g.id) AS "contactCount"
  FROM contact_group g`;

@Injectable()
export class GroupsRepository {
  constructor(private readonly db: DataSource) {}

  list(accountId: string): Promise<GroupRow[]> {
    return this.db.query(`${SELECT} WHERE g.account_id = $1 ORDER BY g.name_key`, [accountId]);
  }

  async find(accountId: string, id: number): Promise<GroupRow | undefined> {
    const rows: GroupRow[] = await this.db.query(`${SELECT} WHERE g.account_id = $1 AND g.id = $2`, [accountId, id]);
    return rows[0];
  }

  async nameTaken(accountId: string, name: string, exceptId = 0): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      'SELECT 1 FROM contact_group WHERE account_id = $1 AND name_key = lower($2) AND id <> $3',
      [accountId, name, exceptId],
    );
    return rows.length > 0;
  }

  async insert(accountId: string, name: string): Promise<number> {
    const rows: { id: number }[] = await this.db.query(
      'INSERT INTO contact_group (account_id, name, name_key) VALUES ($1, $2, lower($2)) RETURNING id',
      [accountId, name],
    );
    return rows[0].id;
  }

  async rename(accountId: string, id: number, name: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      'UPDATE contact_group SET name = $3, name_key = lower($3) WHERE account_id = $1 AND id = $2',
      [accountId, id, name],
    );
    return count > 0;
  }

  async delete(accountId: string, id: number): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      'DELETE FROM contact_group WHERE account_id = $1 AND id = $2',
      [accountId, id],
    );
    return count > 0;
  }

  /** Adds the account's own contacts among `contactIds`; returns the ids of those that were not members yet. */
  async addMembers(
    accountId: string,
    groupId: number,
    contactIds: number[],
    em: EntityManager = this.db.manager,
  ): Promise<number[]> {
    const rows: { contact_id: number }[] = await em.query(
      `INSERT INTO group_member (group_id, contact_id, account_id)
       SELECT $2, c.id, $1 FROM contact c WHERE c.account_id = $1 AND c.id = ANY($3::bigint[])
       ON CONFLICT DO NOTHING RETURNING contact_id`,
      [accountId, groupId, contactIds],
    );
    return rows.map((r) => r.contact_id);
  }

  /** Removes these contacts from the group; returns the ids of those that were members. */
  async removeMembers(accountId: string, groupId: number, contactIds: number[], em: EntityManager): Promise<number[]> {
    // TypeORM answers a DELETE with [rows, count].
    const [rows] = await em.query<[{ contact_id: number }[], number]>(
      `DELETE FROM group_member WHERE account_id = $1 AND group_id = $2 AND contact_id = ANY($3::bigint[])
       RETURNING contact_id`,
      [accountId, groupId, contactIds],
    );
    return rows.map((r) => r.contact_id);
  }

  /** Ids of the named groups (matched ignoring case), creating those that do not exist yet. */
  async ensure(accountId: string, names: string[], em: EntityManager = this.db.manager): Promise<Map<string, number>> {
    const rows: { id: number; nameKey: string }[] = await em.query(
      `WITH wanted AS (SELECT DISTINCT ON (lower(n)) n AS name, lower(n) AS name_key FROM unnest($2::text[]) n),
       inserted AS (
         INSERT INTO contact_group (account_id, name, name_key) SELECT $1, name, name_key FROM wanted
         ON CONFLICT (account_id, name_key) DO NOTHING RETURNING id, name_key)
       SELECT id, name_key AS "nameKey" FROM inserted
       UNION ALL SELECT g.id, g.name_key FROM contact_group g JOIN wanted w USING (name_key) WHERE g.account_id = $1`,
      [accountId, names],
    );
    return new Map(rows.map((r) => [r.nameKey, r.id]));
  }

  namesOf(accountId: string, contactId: number): Promise<{ id: number; name: string }[]> {
    return this.db.query(
      `SELECT g.id, g.name FROM group_member m JOIN contact_group g ON g.account_id = m.account_id AND g.id = m.group_id
       WHERE m.account_id = $1 AND m.contact_id = $2 ORDER BY g.name_key`,
      [accountId, contactId],
    );
  }
}
