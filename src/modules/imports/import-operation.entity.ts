import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Account } from '../accounts/account.entity';
import type { ImportSettings, ConsentRecord } from './import-settings';

export const IMPORT_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** `import` adds and updates contacts from a file; `purge` deletes the contacts a file lists. */
export type OperationKind = 'import' | 'purge';

/**
 * One import or purge: its settings, where the file is stored, and how far it got. The counters and
 * `resume_line` are written in the same transaction as each batch, so they always describe the base.
 */
@Entity()
@Index('import_operation_account_kind_idx', ['accountId', 'kind', 'id'])
// The sweeper's and the key change's lookups: the few operations waiting or running.
@Index('import_operation_active_idx', ['accountId', 'id'], { where: "status IN ('pending', 'running')" })
// What the rejections' foreign key points at: a rejection belongs to an operation of its own account.
@Unique('import_operation_account_id_key', ['accountId', 'id'])
export class ImportOperation {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  kind: OperationKind;

  @Column('text')
  name: string;

  @Column('text', { default: 'pending' })
  status: ImportStatus;

  @Column('jsonb')
  settings: ImportSettings;

  @Column('uuid')
  fileId: string;

  @Column('text')
  fileName: string;

  @Column('text')
  fileHash: string;

  /** Who confirmed holding proof of consent, when, for which file (guided flow). */
  @Column('jsonb', { nullable: true })
  consent: ConsentRecord | null;

  @Column('integer', { default: 0 }) lineRead: number;
  @Column('integer', { default: 0 }) lineDuplicate: number;
  @Column('integer', { default: 0 }) lineAdd: number;
  @Column('integer', { default: 0 }) lineUpdate: number;
  @Column('integer', { default: 0 }) lineError: number;
  /** Contacts whose opt-out or hard status the file asked to undo and could not. */
  @Column('integer', { default: 0 }) lineKeptOptOut: number;
  /** Purges: contacts deleted. */
  @Column('integer', { default: 0 }) lineDelete: number;

  /** Last file line whose batch is committed: a resumed run starts after it. */
  @Column('integer', { default: 0 })
  resumeLine: number;

  @Column('integer', { nullable: true })
  totalLines: number | null;

  @Column('text', { nullable: true })
  failure: string | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
  /** When FILE_RETENTION_DAYS deleted the operation's upload and error report (the counters stay). */
  @Column('timestamptz', { nullable: true }) filesDeletedAt: Date | null;
  /** Refreshed by the running worker; a stale one means the worker died. */
  @Column('timestamptz', { nullable: true }) heartbeatAt: Date | null;
}

/** A row the import left out, with why: the downloadable error report. */
@Entity()
export class ImportRejection {
  @ManyToOne(() => ImportOperation, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    {
      name: 'account_id',
      referencedColumnName: 'accountId',
      foreignKeyConstraintName: 'import_rejection_operation_fkey',
    },
    { name: 'operation_id', referencedColumnName: 'id', foreignKeyConstraintName: 'import_rejection_operation_fkey' },
  ])
  operation: ImportOperation;

  @PrimaryColumn('bigint')
  operationId: number;

  @PrimaryColumn('integer')
  line: number;

  @Column('uuid')
  accountId: string;

  @Column('text')
  reasons: string;

  @Column('jsonb')
  cells: string[];
}
