import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

export type SftpAuthMethod = 'password' | 'key';

/** An SFTP server an account's schedules read from or write to, with its pinned host key. */
@Entity()
@Index('sftp_connection_account_name_key', ['accountId', 'name'], { unique: true })
export class SftpConnection {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  name: string;

  @Column('text')
  host: string;

  @Column('integer')
  port: number;

  @Column('text')
  username: string;

  @Column('text')
  authMethod: SftpAuthMethod;

  /** The password, or the private key and its passphrase, as JSON sealed by `common/secret-box` (never shown). */
  @Column('text')
  secret: string;

  /** `<type> <base64>`: every connection refuses a server presenting another key. */
  @Column('text')
  hostKey: string;

  @Column('text')
  hostKeyFingerprint: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
