import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';
import type { DraftSetup, FileInspection } from './import-settings';
import type { CellCorrections } from './rules/corrections';

/** A file going through the guided flow; confirmed into an ImportOperation or expired with its file. */
@Entity()
@Index('import_draft_account_idx', ['accountId', 'createdAt'])
@Index('import_draft_expiry_idx', ['expiresAt'])
export class ImportDraft {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('uuid')
  fileId: string;

  @Column('text')
  fileName: string;

  @Column('text')
  fileHash: string;

  @Column('jsonb')
  inspection: FileInspection;

  /** Sheet, header line, matchings and constant values chosen so far. */
  @Column('jsonb', { nullable: true })
  setup: DraftSetup | null;

  /** Cell corrections by file line then column index; the stored file is never changed. */
  @Column('jsonb', { default: () => "'{}'" })
  corrections: CellCorrections;

  @Column('bigint', { nullable: true })
  operationId: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
