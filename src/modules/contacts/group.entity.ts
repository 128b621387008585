import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { Contact } from './contact.entity';

/** A static group ("Groupes"): contacts are added and removed explicitly. */
@Entity()
@Index('contact_group_account_name_key', ['accountId', 'nameKey'], { unique: true })
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

@Entity()
@Index('group_member_contact_idx', ['contactId'])
export class GroupMember {
  @ManyToOne(() => ContactGroup, { onDelete: 'CASCADE' })
  group: ContactGroup;

  @PrimaryColumn('bigint')
  groupId: number;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  contact: Contact;

  @PrimaryColumn('bigint')
  contactId: number;

  @Column('uuid')
  accountId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt: Date;
}
