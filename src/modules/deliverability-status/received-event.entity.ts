import { CreateDateColumn, Entity, ManyToOne, PrimaryColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

/** The id of every event taken for a known contact, so that a replayed batch changes nothing. */
@Entity('deliverability_event')
export class ReceivedEvent {
  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  account: Account;

  @PrimaryColumn('uuid')
  accountId: string;

  /** The sender's own id for the event. */
  @PrimaryColumn('text')
  eventId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt: Date;
}
