import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Account } from '../accounts/account.entity';

export const CUSTOM_FIELD_FORMATS = [
  'ShortText',
  'Number',
  'DateTime',
  'SingleSelection',
  'MultipleSelection',
] as const;
export type CustomFieldFormat = (typeof CUSTOM_FIELD_FORMATS)[number];

@Entity()
@Index('custom_field_account_name_key', ['accountId', 'nameKey'], { unique: true })
// What the values' foreign key points at: a value belongs to a field of its own account.
@Unique('custom_field_account_id_key', ['accountId', 'id'])
export class CustomField {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  name: string;

  /** Lower-cased name: names are unique per account regardless of case. */
  @Column('text')
  nameKey: string;

  @Column('text', { default: '' })
  description: string;

  @Column('text')
  format: CustomFieldFormat;

  @Column('text', { default: '' })
  options: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity()
@Index('field_value_field_position_idx', ['fieldId', 'position'])
@Index('field_value_field_text_key', ['fieldId', 'textKey'], { unique: true })
export class FieldValue {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @Index('field_value_account_idx')
  @Column('uuid')
  accountId: string;

  @ManyToOne(() => CustomField, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn([
    { name: 'account_id', referencedColumnName: 'accountId', foreignKeyConstraintName: 'field_value_field_fkey' },
    { name: 'field_id', referencedColumnName: 'id', foreignKeyConstraintName: 'field_value_field_fkey' },
  ])
  field: CustomField;

  @Column('bigint')
  fieldId: number;

  @Column('text')
  text: string;

  @Column('text')
  textKey: string;

  /** 1-based order of the value in its list. */
  @Column('integer')
  position: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
