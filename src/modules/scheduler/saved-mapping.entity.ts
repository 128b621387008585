import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ConsentRecord, ImportSettings } from '../imports/import-settings';
import { Account } from '../accounts/account.entity';

/**
 * A finished import's structure kept as a model for scheduled imports: its reading options, matchings, constants,
 * group, duplicate option and consent record. A copy, so it outlives the import leaving the history.
 */
@Entity()
@Index('saved_mapping_account_name_key', ['accountId', 'name'], { unique: true })
export class SavedMapping {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  name: string;

  /** The import it was taken from (not a reference: that import may be gone). */
  @Column('bigint')
  sourceImportId: number;

  @Column('jsonb')
  settings: ImportSettings;

  @Column('jsonb', { nullable: true })
  consent: ConsentRecord | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
