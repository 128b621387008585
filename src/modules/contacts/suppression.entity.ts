import { Column, Entity, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

/**
 * Consent that outlives the contact: a salted SHA-256 of the normalised address or number, with
 * the opt-out or hard status it had. Applied when the same address comes back.
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

  @Column('text', { nullable: true })
  optIn: string | null;

  @Column('text', { nullable: true })
  status: string | null;

  @Column('text', { nullable: true })
  reason: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
