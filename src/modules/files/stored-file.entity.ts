import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

/**
 * An uploaded file kept in the database, in chunks, so any instance can run the import that reads it
 * without a shared disk.
 */
@Entity()
@Index('stored_file_account_idx', ['accountId', 'createdAt'])
export class StoredFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  name: string;

  @Column('bigint')
  size: number;

  @Column('text')
  sha256: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity()
export class StoredFileChunk {
  @ManyToOne(() => StoredFile, { onDelete: 'CASCADE', nullable: false })
  file: StoredFile;

  @PrimaryColumn('uuid')
  fileId: string;

  @PrimaryColumn('integer')
  seq: number;

  @Column('bytea')
  data: Buffer;
}
