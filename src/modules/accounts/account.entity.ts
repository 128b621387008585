import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Account {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Index('account_login_key', { unique: true })
  @Column('text')
  login: string;

  /** SHA-256 of the API key: keys are 256-bit random, so a fast hash is safe and lets us index it. */
  @Index('account_api_key_hash_key', { unique: true })
  @Column('text')
  apiKeyHash: string;

  @Column('text', { default: 'email' })
  uniquenessKey: 'email' | 'mobile';

  @Column('text', { default: 'FR' })
  defaultCountry: string;

  @Column('boolean', { default: false })
  allowDuplicates: boolean;

  @Column('text', { default: 'Europe/Paris' })
  timezone: string;

  /** Soft bounces in a row after which an address is set aside as invalid (SPEC §6). */
  @Column('integer', { default: 5 })
  softBounceLimit: number;

  /** A contact who opened or clicked within this many days is active. */
  @Column('integer', { default: 180 })
  activityDays: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
