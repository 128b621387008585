import { Column, Entity, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

/**
 * Consent that outlives the contact: an HMAC-SHA256 (keyed with SECRET_KEY, salted per account and channel) of the
 * normalised address or number, with the opt-out or hard status it had. Applied when the same address comes back.
 */
@Entity()
export class Suppression {
  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  account: Account;

  @PrimaryColumn('uuid')
  accountId: string;

  /** email | sms */
  @PrimaryColumn('text')
  channel: string;

  @PrimaryColumn('text')
  keyHash: string;

  /**
   * 2: `keyHash` is the HMAC of suppression-hash.ts. 1: the unkeyed SHA-256 written before (the column's default,
   * so a row an instance of the former code writes during a rolling start is labelled right); re-keyed at start.
   */
  @Column('smallint', { default: 1 })
  hashVersion: number;

  @Column('text', { nullable: true })
  optIn: string | null;

  @Column('text', { nullable: true })
  status: string | null;

  @Column('text', { nullable: true })
  reason: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
