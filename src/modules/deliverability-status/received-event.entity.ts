import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The id of every event taken for a known contact, so that a replayed batch changes nothing. No foreign key to
 * the account: it would cost a lookup per id, ten thousand per batch (accounts are never deleted through the API).
 */
@Entity('deliverability_event')
export class ReceivedEvent {
  @PrimaryColumn('uuid')
  accountId: string;

  /** The sender's own id for the event. */
  @PrimaryColumn('text')
  eventId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt: Date;
}
