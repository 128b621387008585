import {
  Column,
  CreateDateColumn,
  Entity,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Account } from '../accounts/account.entity';

/**
 * A saved criteria tree. Keyed by account and id: the default segments have the same ids (1–11) in every
 * account; the segments users create draw ids from one sequence starting at 1001, unique across accounts.
 */
@Entity()
export class Segment {
  @PrimaryColumn('uuid')
  accountId: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  description: string;

  /** The criteria tree, as validated when saved (SPEC §7). */
  @Column('jsonb')
  tree: unknown;

  /** How a v4 client's `details` array was combined (`union` | `intersection`); kept to answer it back. */
  @Column('text', { default: 'union' })
  mode: string;

  /** Default segments are read-only. */
  @Column('boolean', { default: false })
  isDefault: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
