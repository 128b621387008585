import { Inject, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import type { EntityManager } from 'typeorm';
import { BadRequest, Conflict, NotFound } from '../../common/errors';
import { SecretBox } from '../../common/secret-box';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import type {
  CreateWebhookEndpointDto,
  ListWebhookAttemptsQueryDto,
  UpdateWebhookEndpointDto,
  WebhookAttemptDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook.dto';
import { addressProblem, parseWebhookUrl } from './network-policy';
import { secretPurpose, WebhookDeliveries } from './webhook-deliveries';
import { PING_EVENT, type WebhookEventType, type WebhookPayload } from './webhook-events';
import { newMessageId, newSigningSecret } from './webhook-signature';
import { WebhooksRepository, type AttemptRow, type EndpointRow } from './webhooks.repository';

/** Endpoints an account may register. */
const MAX_ENDPOINTS = 20;
/** How long the secret replaced by a rotation goes on signing. */
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toEndpointDto(row: EndpointRow): WebhookEndpointDto {
  const overlap = row.previousSecretUntil && row.previousSecretUntil > new Date() ? row.previousSecretUntil : null;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    previousSecretValidUntil: iso(overlap),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toAttemptDto(row: AttemptRow): WebhookAttemptDto {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    attempt: row.attempt,
    attemptedAt: row.attemptedAt.toISOString(),
    durationMs: row.durationMs,
    statusCode: row.statusCode,
    error: row.error,
    responseHead: row.responseHead,
    outcome: row.outcome,
    endpointDisabled: row.endpointDisabled,
  };
}

/**
 * Webhook endpoints and the events owed to them. Other modules call `recordEvent` inside the transaction that
 * ends their operation; this module knows nothing of theirs.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveries,
    private readonly box: SecretBox,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  /**
   * Writes the event and a delivery for each enabled endpoint of the account that takes it, and queues their
   * first attempts, all in the caller's transaction: an operation that rolls back tells nobody, one that commits
   * is told at least once. `data` is the operation as the API shows it.
   */
  async recordEvent(
    manager: EntityManager,
    accountId: string,
    type: WebhookEventType,
    data: Record<string, unknown>,
  ): Promise<void> {
    const endpointIds = await this.webhooks.subscribedEndpoints(manager, accountId, type);
    if (endpointIds.length === 0) return;
    await this.writeEvent(manager, accountId, type, data, endpointIds, true);
  }

  async create(accountId: string, dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    const url = await this.checkUrl(dto.url);
    if ((await this.webhooks.countEndpoints(accountId)) >= MAX_ENDPOINTS) {
      throw new Conflict(
        'WebhookEndpointLimit',
        `An account may have ${MAX_ENDPOINTS} webhook endpoints; delete one it no longer uses first`,
      );
    }
    const secret = newSigningSecret();
    const row = await this.webhooks.insertEndpoint(accountId, {
      url,
      description: dto.description?.trim() ?? '',
      events: dto.events,
      secret: this.box.seal(secret, secretPurpose(accountId)),
    });
    return { ...toEndpointDto(row), secret };
  }

  async list(accountId: string): Promise<WebhookEndpointDto[]> {
    return (await this.webhooks.listEndpoints(accountId)).map(toEndpointDto);
  }

  async get(accountId: string, id: number): Promise<WebhookEndpointDto> {
    return toEndpointDto(await this.mustFind(accountId, id));
  }

  async update(accountId: string, id: number, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    await this.mustFind(accountId, id);
    const url = dto.url === undefined ? undefined : await this.checkUrl(dto.url);
    const row = await this.webhooks.updateEndpoint(accountId, id, {
      url,
      description: dto.description?.trim(),
      events: dto.events,
      enabled: dto.enabled,
    });
    if (!row) throw new NotFound('WebhookEndpoint', id);
    return toEndpointDto(row);
  }

  async remove(accountId: string, id: number): Promise<void> {
    if (!(await this.webhooks.deleteEndpoint(accountId, id))) throw new NotFound('WebhookEndpoint', id);
  }

  /** A new secret, shown once; the replaced one signs alongside it for 24 hours so receivers can switch. */
  async rotateSecret(accountId: string, id: number): Promise<WebhookEndpointWithSecretDto> {
    const secret = newSigningSecret();
    const sealed = this.box.seal(secret, secretPurpose(accountId));
    const row = await this.webhooks.rotateSecret(accountId, id, sealed, new Date(Date.now() + ROTATION_OVERLAP_MS));
    if (!row) throw new NotFound('WebhookEndpoint', id);
    return { ...toEndpointDto(row), secret };
  }

  /** Sends a signed `ping` now, once, and answers the attempt (also in the endpoint's log). */
  async ping(accountId: string, id: number): Promise<WebhookAttemptDto> {
    const endpoint = await this.mustFind(accountId, id);
    const data = { endpointId: endpoint.id, message: 'Test call from Carnet' };
    const [deliveryId] = await this.webhooks.transaction((em) =>
      this.writeEvent(em, accountId, PING_EVENT, data, [endpoint.id], false),
    );
    const attempt = await this.deliveries.attempt(deliveryId, 'test');
    if (!attempt) throw new Error(`The test delivery ${deliveryId} could not be taken`);
    return toAttemptDto(attempt);
  }

  async listAttempts(accountId: string, id: number, query: ListWebhookAttemptsQueryDto): Promise<WebhookAttemptDto[]> {
    await this.mustFind(accountId, id);
    return (await this.webhooks.listAttempts(accountId, id, query.before, query.limit ?? 50)).map(toAttemptDto);
  }

  private async writeEvent(
    manager: EntityManager,
    accountId: string,
    type: WebhookPayload['type'],
    data: Record<string, unknown>,
    endpointIds: number[],
    queue: boolean,
  ): Promise<number[]> {
    const createdAt = new Date();
    const payload: WebhookPayload = { type, timestamp: createdAt.toISOString(), data };
    const event = { id: newMessageId(), accountId, type, body: JSON.stringify(payload), createdAt };
    const deliveryIds = await this.webhooks.insertEvent(manager, event, endpointIds);
    if (queue) await this.deliveries.enqueue(manager, deliveryIds);
    return deliveryIds;
  }

  /**
   * The URL's shape, and the addresses its host resolves to now (checked again at each attempt): https for
   * public hosts, private ones only when WEBHOOK_ALLOW_PRIVATE_NETWORKS is true.
   */
  private async checkUrl(raw: string): Promise<string> {
    const refuse = (problem: string) =>
      new BadRequest('WebhookUrlRefused', `url: ${problem}`, [{ field: 'url', message: problem }]);
    const parsed = parseWebhookUrl(raw.trim());
    if (typeof parsed === 'string') throw refuse(parsed);
    let addresses: string[];
    if (parsed.literalAddress) addresses = [parsed.literalAddress];
    else {
      try {
        addresses = (await lookup(parsed.host, { all: true })).map((a) => a.address);
      } catch {
        throw refuse(`${parsed.host} does not resolve; check the host name`);
      }
    }
    const problem = addressProblem(parsed.url, addresses, this.config.webhookAllowPrivateNetworks);
    if (problem) throw refuse(problem);
    return parsed.url.toString();
  }

  private async mustFind(accountId: string, id: number): Promise<EndpointRow> {
    const row = await this.webhooks.findEndpoint(accountId, id);
    if (!row) throw new NotFound('WebhookEndpoint', id);
    return row;
  }
}
