import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';
import type { ExportSettings } from './export-settings';

export const EXPORT_STATUSES = ['pending', 'running', 'done', 'failed', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/**
 * One export: what it selects and writes, how far it got, and where its finished file is stored. `totalContact`
 * is counted in the same snapshot the rows are read from, so it equals the file's rows.
 */
@Entity()
@Index('export_operation_account_idx', ['accountId', 'id'])
export class ExportOperation {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  description: string;

  @Column('text', { default: 'pending' })
  status: ExportStatus;

  @Column('jsonb')
  settings: ExportSettings;

  /** Contacts in the snapshot (null until the run counted them). */
  @Column('integer', { nullable: true })
  totalContact: number | null;

  @Column('integer', { default: 0 })
  rowsWritten: number;

  /** The written file in stored_file; null before it is done and after it expired. */
  @Column('uuid', { nullable: true })
  fileId: string | null;

  @Column('bigint', { nullable: true })
  fileSize: number | null;

  @Column('text', { nullable: true })
  failure: string | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { nullable: true }) finishedAt: Date | null;
  /** Refreshed by the running worker; a stale one means the worker died. */
  @Column('timestamptz', { nullable: true }) heartbeatAt: Date | null;
}
