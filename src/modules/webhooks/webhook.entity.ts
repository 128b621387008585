import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

/** Where an account wants to be told of its operations' ends, and the secret its deliveries are signed with. */
@Entity()
@Index('webhook_endpoint_account_idx', ['accountId', 'id'])
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  url: string;

  @Column('text', { default: '' })
  description: string;

  /** The event types delivered here. */
  @Column('text', { array: true })
  events: string[];

  @Column('boolean', { default: true })
  enabled: boolean;

  /** Why Carnet disabled it (a 410, three days of failures); null when enabled or disabled by the account. */
  @Column('text', { nullable: true })
  disabledReason: string | null;

  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  /** Start of the current run of failed attempts; cleared by a success. */
  @Column('timestamptz', { nullable: true })
  failingSince: Date | null;

  /** The signing secret, sealed with SECRET_KEY (common/secret-box). */
  @Column('text')
  secret: string;

  /** The secret replaced by a rotation, still signing until `previousSecretUntil`. */
  @Column('text', { nullable: true })
  previousSecret: string | null;

  @Column('timestamptz', { nullable: true })
  previousSecretUntil: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}

/** An event to tell, with the exact body every attempt sends; its id is the `webhook-id` receivers de-duplicate on. */
@Entity()
@Index('webhook_event_created_idx', ['createdAt'])
export class WebhookEvent {
  @PrimaryColumn('text')
  id: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  account: Account;

  @Column('uuid')
  accountId: string;

  @Column('text')
  type: string;

  @Column('text')
  body: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The outbox: one event owed to one endpoint, written in the transaction that ended the operation. */
@Entity()
@Index('webhook_delivery_event_endpoint_key', ['eventId', 'endpointId'], { unique: true })
@Index('webhook_delivery_endpoint_idx', ['endpointId'])
@Index('webhook_delivery_due_idx', ['nextAttemptAt'], { where: `status = 'pending'` })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('uuid')
  accountId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE', nullable: false })
  endpoint: WebhookEndpoint;

  @Column('bigint')
  endpointId: number;

  @ManyToOne(() => WebhookEvent, { onDelete: 'CASCADE', nullable: false })
  event: WebhookEvent;

  @Column('text')
  eventId: string;

  @Column('text', { default: 'pending' })
  status: DeliveryStatus;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('timestamptz', { default: () => 'now()' })
  nextAttemptAt: Date;

  /** Held by the worker making an attempt; a lapsed lease means that worker died. */
  @Column('timestamptz', { nullable: true })
  leaseUntil: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}

export const ATTEMPT_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One call to a receiver, kept 30 days: the endpoint's log. */
@Entity()
@Index('webhook_attempt_endpoint_idx', ['endpointId', 'id'])
@Index('webhook_attempt_delivery_idx', ['deliveryId'])
@Index('webhook_attempt_at_idx', ['attemptedAt'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  @Column('uuid')
  accountId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE', nullable: false })
  endpoint: WebhookEndpoint;

  @Column('bigint')
  endpointId: number;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE', nullable: false })
  delivery: WebhookDelivery;

  @Column('bigint')
  deliveryId: number;

  @Column('text')
  eventId: string;

  @Column('text')
  eventType: string;

  /** 1 for the first attempt of the delivery. */
  @Column('integer')
  attempt: number;

  @Column('timestamptz')
  attemptedAt: Date;

  @Column('integer')
  durationMs: number;

  @Column('integer', { nullable: true })
  statusCode: number | null;

  @Column('text', { nullable: true })
  error: string | null;

  /** The first KiB of the receiver's answer. */
  @Column('text', { nullable: true })
  responseHead: string | null;

  @Column('text')
  outcome: AttemptOutcome;

  /** Set when this attempt disabled the endpoint, with why. */
  @Column('text', { nullable: true })
  endpointDisabled: string | null;
}
