import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What happened to a contact, when, and through which API call, import or event. */
@Entity()
@Index('contact_history_contact_idx', ['accountId', 'contactId', 'id'])
// "In import X" (segments): the contacts an import created or changed, kept after the import leaves the history.
@Index('contact_history_import_idx', ['accountId', 'operationId', 'contactId'], { where: "source = 'import'" })
export class ContactHistory {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('uuid')
  accountId: string;

  /**
   * No foreign key: a key would cost a lookup and a lock of the contact for every row that imports and
   * events write by the ten thousand. Deleting a contact deletes its history in the same statement.
   */
  @Column('bigint')
  contactId: number;

  /** creation | update | group | anonymisation | event */
  @Column('text')
  type: string;

  /** The fields or group concerned, comma-separated. */
  @Column('text')
  object: string;

  @Column('text')
  title: string;

  /** api | import | event | purge */
  @Column('text')
  source: string;

  /** The import (or other operation) that made the change, when there is one. */
  @Column('bigint', { nullable: true })
  operationId: number | null;

  /** When the change happened (an event's own time); `loggedAt` is when it was recorded. */
  @Column('timestamptz')
  happenedAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  loggedAt: Date;
}
