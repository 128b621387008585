import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

/**
 * One row per contact. Built-in fields are columns; custom values are one JSONB object keyed by
 * field id (`{"12": "text", "13": 4.5, "14": 7, "15": [7, 9]}`) with a GIN index, so segment
 * criteria compile to `fields @> …` / `fields ? …` and stay indexable without one table per value.
 */
@Entity()
@Index('contact_account_unique_key', ['accountId', 'uniqueKey'], { unique: true })
@Index('contact_account_email_idx', ['accountId', 'email'])
@Index('contact_account_mobile_idx', ['accountId', 'mobile'])
@Index('contact_account_id_idx', ['accountId', 'id'])
@Index('contact_account_updated_idx', ['accountId', 'updatedAt', 'id'])
// Segment criteria: the default segments and opt-in/status criteria count from these alone (index-only scans).
@Index('contact_email_consent_idx', ['accountId', 'emailOptin', 'emailStatus'], { where: 'email IS NOT NULL' })
@Index('contact_mobile_consent_idx', ['accountId', 'mobileOptin', 'mobileStatus'], { where: 'mobile IS NOT NULL' })
@Index('contact_account_engaged_idx', ['accountId', 'lastEngagedAt'])
// GIN index created by hand in the migration (TypeORM cannot describe it).
@Index('contact_fields_gin', { synchronize: false })
export class Contact {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  /**
   * The account's uniqueness key as matched: lower-cased email or E.164 mobile. Null for a copy
   * added with `allowdup` and for anonymised contacts.
   */
  @Column('text', { nullable: true })
  uniqueKey: string | null;

  @Column('text', { nullable: true }) salutation: string | null;
  @Column('text', { nullable: true }) firstname: string | null;
  @Column('text', { nullable: true }) lastname: string | null;
  @Column('text', { nullable: true }) companyname: string | null;
  @Column('text', { nullable: true }) jobtitle: string | null;

  /** Trimmed and lower-cased. */
  @Column('text', { nullable: true }) email: string | null;
  @Column('text', { nullable: true }) emailOptin: string | null;
  @Column('timestamptz', { nullable: true }) emailUnsubscriptionDate: Date | null;
  @Column('text', { nullable: true }) emailUnsubscriptionReason: string | null;
  @Column('text', { default: 'unknown' }) emailStatus: string;
  @Column('timestamptz', { nullable: true }) emailStatusDate: Date | null;
  @Column('text', { nullable: true }) emailStatusDetail: string | null;
  /** Soft bounces in a row since the address last proved it works (no v4 field). */
  @Column('smallint', { default: 0 }) emailSoftCount: number;

  /** E.164. */
  @Column('text', { nullable: true }) mobile: string | null;
  @Column('text', { nullable: true }) mobileOptin: string | null;
  @Column('timestamptz', { nullable: true }) mobileUnsubscriptionDate: Date | null;
  @Column('text', { nullable: true }) mobileUnsubscriptionReason: string | null;
  @Column('text', { default: 'unknown' }) mobileStatus: string;
  @Column('timestamptz', { nullable: true }) mobileStatusDate: Date | null;
  @Column('text', { nullable: true }) mobileStatusDetail: string | null;
  @Column('smallint', { default: 0 }) mobileSoftCount: number;

  @Column('text', { nullable: true }) phone: string | null;
  @Column('text', { nullable: true }) fax: string | null;
  @Column('text', { nullable: true }) address1: string | null;
  @Column('text', { nullable: true }) address2: string | null;
  @Column('text', { nullable: true }) zipcode: string | null;
  @Column('text', { nullable: true }) city: string | null;
  @Column('text', { nullable: true }) country: string | null;
  @Column('date', { nullable: true }) birthdate: string | null;
  @Column('boolean', { nullable: true }) emailOptinPartners: boolean | null;
  @Column('boolean', { nullable: true }) mobileOptinPartners: boolean | null;
  @Column('text', { nullable: true }) type: string | null;
  @Column('timestamptz', { nullable: true }) lastEngagedAt: Date | null;
  @Column('text', { nullable: true }) comments: string | null;
  @Column('text', { nullable: true }) source: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  fields: Record<string, unknown>;

  @Column('bigint', { nullable: true }) createdByImportId: number | null;
  @Column('bigint', { nullable: true }) updatedByImportId: number | null;
  @Column('timestamptz', { nullable: true }) anonymisedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
