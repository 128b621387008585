import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Account } from '../accounts/account.entity';
import { Contact } from './contact.entity';

/** A static group ("Groupes"): contacts are added and removed explicitly. */
@Entity()
@Index('contact_group_account_name_key', ['accountId', 'nameKey'], { unique: true })
// What the memberships' foreign key points at: a member joins a group of its own account.
@Unique('contact_group_account_id_key', ['accountId', 'id'])
export class ContactGroup {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  name: string;

  @Column('text')
  nameKey: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** Both keys carry the account: a membership can only join a group and a contact of one account. */
@Entity()
@Index('group_member_contact_idx', ['contactId'])
export class GroupMember {
  @ManyToOne(() => ContactGroup, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'account_id', referencedColumnName: 'accountId', foreignKeyConstraintName: 'group_member_group_fkey' },
    { name: 'group_id', referencedColumnName: 'id', foreignKeyConstraintName: 'group_member_group_fkey' },
  ])
  group: ContactGroup;

  @PrimaryColumn('bigint')
  groupId: number;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'account_id', referencedColumnName: 'accountId', foreignKeyConstraintName: 'group_member_contact_fkey' },
    { name: 'contact_id', referencedColumnName: 'id', foreignKeyConstraintName: 'group_member_contact_fkey' },
  ])
  contact: Contact;

  @PrimaryColumn('bigint')
  contactId: number;

  @Column('uuid')
  accountId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt: Date;
}
