import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The id of every event taken for a known contact, so that a replayed batch changes nothing. No foreign key to
 * the account: it would cost a lookup per id, ten thousand per batch (accounts are never deleted through the API).
 */
@Entity('deliverability_event')
// BRIN index on received_at, created by hand in the migration (TypeORM cannot describe it): ids arrive in time
// order, so a few pages index them all for the retention sweep.
@Index('deliverability_event_received_brin', { synchronize: false })
export class ReceivedEvent {
  @PrimaryColumn('uuid')
  accountId: string;

  /** The sender's own id for the event. */
  @PrimaryColumn('text')
  eventId: string;

  /** Ids are forgotten `EVENT_ID_RETENTION_DAYS` after this. */
  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt: Date;
}
