import { Interval } from '@nestjs/schedule';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HousekeepingTask } from '../../common/housekeeping-task';
import { SecretBox } from '../../common/secret-box';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { JobQueue } from '../../queue/job-queue';
import { decide, type CallResult, type Decision } from './delivery-rules';
import { callReceiver } from './webhook-sender';
import { signedHeaders } from './webhook-signature';
import { WebhooksRepository, type AttemptRow, type ClaimedDelivery } from './webhooks.repository';

export const WEBHOOK_QUEUE = 'webhook-delivery';
/** Attempts, and events with their deliveries, are forgotten after this many days. */
export const WEBHOOK_LOG_DAYS = 30;
/** A pending delivery this late with no worker on it lost its job: it is queued again. */
const OVERDUE_SECONDS = 300;

/** The ping is tried once: delivered on a 2xx, else failed, and never disables the endpoint. */
function testDecision(outcome: CallResult): Decision {
  const status = outcome.statusCode;
  if (status !== undefined && status >= 200 && status < 300) return { outcome: 'delivered' };
  return { outcome: 'failed', reason: outcome.error ?? `the receiver answered ${status}` };
}

/** Seals and opens endpoint secrets, bound to their account. */
export const secretPurpose = (accountId: string) => `webhook-endpoint:${accountId}`;

/**
 * Makes the attempts: each is a pg-boss job that takes a lease on its delivery, signs and sends the stored body,
 * then in one transaction logs the attempt, settles the delivery or queues the next attempt, and keeps the
 * endpoint's health. A duplicate or early job finds nothing to take and ends.
 */
@Injectable()
export class WebhookDeliveries implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveries.name);
  private readonly housekeeping = new HousekeepingTask('Webhook housekeeping', () => this.sweep());

  constructor(
    private readonly queue: JobQueue,
    private readonly webhooks: WebhooksRepository,
    private readonly box: SecretBox,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  onModuleInit(): void {
    this.queue.register<{ deliveryId: number }>(
      WEBHOOK_QUEUE,
      async ({ deliveryId }) => {
        await this.attempt(deliveryId, 'scheduled');
      },
      { retryLimit: 2, retryDelay: 120, expireInSeconds: 2 * (this.config.webhookTimeoutSeconds + 60) },
    );
  }

  onApplicationBootstrap(): void {
    // In the background: a backlog to prune (a first run, a long stop) must not hold up the start.
    void this.housekeeping.run();
  }

  @Interval(300_000)
  sweepWebhookDeliveries(): Promise<void> {
    return this.housekeeping.run();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.housekeeping.idle();
  }

  /** Queues the first attempt of each delivery in the caller's transaction. */
  async enqueue(manager: EntityManager, deliveryIds: number[], startAfterSeconds?: number): Promise<void> {
    for (const deliveryId of deliveryIds) {
      await this.queue.sendInTransaction(manager, WEBHOOK_QUEUE, { deliveryId }, { startAfter: startAfterSeconds });
    }
  }

  /**
   * One attempt at a delivery. `test` (the ping): one attempt, no retry, the endpoint's health untouched, made even
   * when the endpoint is disabled. Answers the attempt logged, or undefined when there was nothing to do.
   */
  async attempt(deliveryId: number, mode: 'scheduled' | 'test'): Promise<AttemptRow | undefined> {
    const delivery = await this.webhooks.claim(deliveryId, this.config.webhookTimeoutSeconds + 60);
    if (!delivery) return undefined;
    if (mode === 'scheduled' && !delivery.enabled) {
      await this.webhooks.transaction((em) =>
        this.webhooks.settleDelivery(em, delivery.id, 'failed', delivery.attempts),
      );
      return undefined;
    }
    const attemptedAt = new Date();
    const outcome = await callReceiver({
      url: delivery.url,
      headers: signedHeaders(this.signingSecrets(delivery, attemptedAt), delivery.eventId, attemptedAt, delivery.body),
      body: delivery.body,
      timeoutMs: this.config.webhookTimeoutSeconds * 1000,
      allowPrivateNetworks: this.config.webhookAllowPrivateNetworks,
    });
    const attempt = delivery.attempts + 1;
    const decision: Decision =
      mode === 'test'
        ? testDecision(outcome)
        : decide(outcome, attempt, this.config.webhookRetrySeconds, delivery.failingSince, attemptedAt);
    const row = await this.webhooks.transaction(async (em) => {
      const logged = await this.webhooks.insertAttempt(em, {
        accountId: delivery.accountId,
        endpointId: delivery.endpointId,
        deliveryId: delivery.id,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        attempt,
        attemptedAt,
        durationMs: outcome.durationMs,
        statusCode: outcome.statusCode ?? null,
        error: outcome.error ?? (decision.outcome === 'failed' ? decision.reason : null),
        responseHead: outcome.responseHead ?? null,
        outcome: decision.outcome === 'retry' ? 'retrying' : decision.outcome,
        endpointDisabled: (mode === 'scheduled' && decision.outcome === 'failed' && decision.disableEndpoint) || null,
      });
      if (decision.outcome === 'retry') {
        await this.webhooks.settleDelivery(em, delivery.id, 'pending', attempt, decision.delaySeconds);
        await this.enqueue(em, [delivery.id], decision.delaySeconds);
      } else {
        await this.webhooks.settleDelivery(em, delivery.id, decision.outcome, attempt);
      }
      if (mode === 'scheduled') {
        await this.webhooks.markEndpointHealth(em, delivery.endpointId, decision.outcome === 'delivered');
        if (decision.outcome === 'failed' && decision.disableEndpoint) {
          await this.webhooks.disableEndpoint(em, delivery.endpointId, decision.disableEndpoint);
        }
      }
      return logged;
    });
    if (row.endpointDisabled) {
      this.logger.warn(`webhook endpoint ${delivery.endpointId} disabled: ${row.endpointDisabled}`);
    }
    return row;
  }

  /** The current secret, and the one it replaced while that still signs. */
  private signingSecrets(delivery: ClaimedDelivery, at: Date): string[] {
    const purpose = secretPurpose(delivery.accountId);
    const secrets = [this.box.open(delivery.secret, purpose)];
    if (delivery.previousSecret && delivery.previousSecretUntil && delivery.previousSecretUntil > at) {
      secrets.push(this.box.open(delivery.previousSecret, purpose));
    }
    return secrets;
  }

  /** Queues again the deliveries whose job was lost, and forgets what is older than the log keeps. */
  async sweep(): Promise<void> {
    const overdue = await this.webhooks.overdueDeliveries(OVERDUE_SECONDS);
    for (const deliveryId of overdue) await this.queue.send(WEBHOOK_QUEUE, { deliveryId });
    if (overdue.length > 0) this.logger.warn(`queued again ${overdue.length} overdue webhook deliveries`);
    await this.webhooks.prune(WEBHOOK_LOG_DAYS);
  }
}
