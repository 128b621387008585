import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { HistoryRow } from './contacts.repository';

/** `import_operation.consent`: who confirmed holding proof of consent, when, for which file. */
export interface ImportConsentRecord {
  confirmedBy: string;
  confirmedAt: string;
  fileHash: string;
}

export interface ImportOperationRef {
  id: number;
  name: string;
  fileName: string;
  createdAt: Date;
  consent: ImportConsentRecord | null;
}

/** The reads behind a contact's personal-data export, each scoped to the account. */
@Injectable()
export class ContactPersonalDataRepository {
  constructor(private readonly db: DataSource) {}

  /** One consistent snapshot for every read of an export. */
  snapshot<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', work);
  }

  groupsOf(em: EntityManager, accountId: string, contactId: number): Promise<{ id: number; name: string }[]> {
    return em.query(
      `SELECT g.id, g.name FROM group_member m JOIN contact_group g ON g.id = m.group_id AND g.account_id = m.account_id
       WHERE m.account_id = $1 AND m.contact_id = $2 ORDER BY g.name_key, g.id`,
      [accountId, contactId],
    );
  }

  /** Every history entry of the contact, oldest first. */
  historyOf(em: EntityManager, accountId: string, contactId: number): Promise<HistoryRow[]> {
    return em.query(
      `SELECT id, type, object, title, source, operation_id AS "operationId", happened_at AS "happenedAt",
              logged_at AS "loggedAt"
       FROM contact_history WHERE account_id = $1 AND contact_id = $2 ORDER BY id`,
      [accountId, contactId],
    );
  }

  /**
   * The import operations among `ids` that the account still keeps. Read here rather than through the imports
   * module, which depends on this one: its operations are only read, by id, as the contact's own columns name them.
   */
  importOperations(em: EntityManager, accountId: string, ids: number[]): Promise<ImportOperationRef[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return em.query(
      `SELECT id, name, file_name AS "fileName", created_at AS "createdAt", consent FROM import_operation
       WHERE account_id = $1 AND kind = 'import' AND id = ANY($2::bigint[]) ORDER BY id`,
      [accountId, ids],
    );
  }
}
