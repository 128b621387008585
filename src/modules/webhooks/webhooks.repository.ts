import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AttemptOutcome, DeliveryStatus } from './webhook.entity';

export interface EndpointRow {
  id: number;
  accountId: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EndpointChanges {
  url?: string;
  description?: string;
  events?: string[];
  enabled?: boolean;
}

/** A delivery taken by a worker, with what it needs to make the call. */
export interface ClaimedDelivery {
  id: number;
  accountId: string;
  endpointId: number;
  eventId: string;
  attempts: number;
  eventType: string;
  body: string;
  url: string;
  enabled: boolean;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
  failingSince: Date | null;
}

export interface NewAttempt {
  accountId: string;
  endpointId: number;
  deliveryId: number;
  eventId: string;
  eventType: string;
  attempt: number;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseHead: string | null;
  outcome: AttemptOutcome;
  endpointDisabled: string | null;
}

export type AttemptRow = NewAttempt & { id: number };

const ENDPOINT_COLUMNS = `id::int AS id, account_id AS "accountId", url, description, events, enabled,
  disabled_reason AS "disabledReason", disabled_at AS "disabledAt", failing_since AS "failingSince", secret,
  previous_secret AS "previousSecret", previous_secret_until AS "previousSecretUntil", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

const ATTEMPT_COLUMNS = `id::int AS id, account_id AS "accountId", endpoint_id::int AS "endpointId",
  delivery_id::int AS "deliveryId", event_id AS "eventId", event_type AS "eventType", attempt,
  attempted_at AS "attemptedAt", duration_ms AS "durationMs", status_code AS "statusCode", error,
  response_head AS "responseHead", outcome, endpoint_disabled AS "endpointDisabled"`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insertEndpoint(
    accountId: string,
    endpoint: { url: string; description: string; events: string[]; secret: string },
  ): Promise<EndpointRow> {
    const rows: EndpointRow[] = await this.db.query(
      `INSERT INTO webhook_endpoint (account_id, url, description, events, secret) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${ENDPOINT_COLUMNS}`,
      [accountId, endpoint.url, endpoint.description, endpoint.events, endpoint.secret],
    );
    return rows[0];
  }

  countEndpoints(accountId: string): Promise<number> {
    return this.db
      .query('SELECT count(*)::int AS n FROM webhook_endpoint WHERE account_id = $1', [accountId])
      .then((rows: { n: number }[]) => rows[0].n);
  }

  listEndpoints(accountId: string): Promise<EndpointRow[]> {
    return this.db.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE account_id = $1 ORDER BY id`, [
      accountId,
    ]);
  }

  async findEndpoint(accountId: string, id: number): Promise<EndpointRow | undefined> {
    const rows: EndpointRow[] = await this.db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE account_id = $1 AND id = $2`,
      [accountId, id],
    );
    return rows[0];
  }

  /** Applies the given changes; enabling again clears why it was disabled and its run of failures. */
  async updateEndpoint(accountId: string, id: number, changes: EndpointChanges): Promise<EndpointRow | undefined> {
    const [rows]: [EndpointRow[], number] = await this.db.query(
      `UPDATE webhook_endpoint SET url = coalesce($3, url), description = coalesce($4, description),
         events = coalesce($5, events), enabled = coalesce($6::boolean, enabled),
         disabled_reason = CASE WHEN $6::boolean IS NULL THEN disabled_reason ELSE NULL END,
         disabled_at = CASE WHEN $6::boolean IS NULL THEN disabled_at WHEN $6::boolean THEN NULL ELSE coalesce(disabled_at, now()) END,
         failing_since = CASE WHEN $6::boolean THEN NULL ELSE failing_since END,
         updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        accountId,
        id,
        changes.url ?? null,
        changes.description ?? null,
        changes.events ?? null,
        changes.enabled ?? null,
      ],
    );
    return rows[0];
  }

  async deleteEndpoint(accountId: string, id: number): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(
      'DELETE FROM webhook_endpoint WHERE account_id = $1 AND id = $2',
      [accountId, id],
    );
    return count > 0;
  }

  /** The current secret becomes the previous one, signing alongside the new one until `until`. */
  async rotateSecret(accountId: string, id: number, secret: string, until: Date): Promise<EndpointRow | undefined> {
    const [rows]: [EndpointRow[], number] = await this.db.query(
      `UPDATE webhook_endpoint SET previous_secret = secret, previous_secret_until = $4, secret = $3, updated_at = now()
       WHERE account_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
      [accountId, id, secret, until],
    );
    return rows[0];
  }

  /** The enabled endpoints of the account that take this event type. */
  async subscribedEndpoints(em: EntityManager, accountId: string, type: string): Promise<number[]> {
    const rows: { id: number }[] = await em.query(
      'SELECT id::int AS id FROM webhook_endpoint WHERE account_id = $1 AND enabled AND $2 = ANY(events) ORDER BY id',
      [accountId, type],
    );
    return rows.map((r) => r.id);
  }

  /** Writes the event and one pending delivery per endpoint; answers the deliveries' ids. */
  async insertEvent(
    em: EntityManager,
    event: { id: string; accountId: string; type: string; body: string; createdAt: Date },
    endpointIds: number[],
  ): Promise<number[]> {
    await em.query('INSERT INTO webhook_event (id, account_id, type, body, created_at) VALUES ($1, $2, $3, $4, $5)', [
      event.id,
      event.accountId,
      event.type,
      event.body,
      event.createdAt,
    ]);
    const rows: { id: number }[] = await em.query(
      `INSERT INTO webhook_delivery (account_id, endpoint_id, event_id) SELECT $1, unnest($2::bigint[]), $3
       RETURNING id::int AS id`,
      [event.accountId, endpointIds, event.id],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Takes a due delivery for this worker until `leaseSeconds` from now. Undefined when it is settled, not yet due
   * (a duplicate job, or one of an earlier attempt) or held by a live worker.
   */
  async claim(deliveryId: number, leaseSeconds: number): Promise<ClaimedDelivery | undefined> {
    const [rows]: [ClaimedDelivery[], number] = await this.db.query(
      `UPDATE webhook_delivery d SET lease_until = now() + make_interval(secs => $2)
       FROM webhook_endpoint e, webhook_event ev
       WHERE d.id = $1 AND d.status = 'pending' AND d.next_attempt_at <= now() + interval '2 seconds'
         AND (d.lease_until IS NULL OR d.lease_until < now()) AND e.id = d.endpoint_id AND ev.id = d.event_id
       RETURNING d.id::int AS id, d.account_id AS "accountId", d.endpoint_id::int AS "endpointId",
         d.event_id AS "eventId", d.attempts, ev.type AS "eventType", ev.body, e.url, e.enabled, e.secret,
         e.previous_secret AS "previousSecret", e.previous_secret_until AS "previousSecretUntil",
         e.failing_since AS "failingSince"`,
      [deliveryId, leaseSeconds],
    );
    return rows[0];
  }

  async insertAttempt(em: EntityManager, attempt: NewAttempt): Promise<AttemptRow> {
    const rows: AttemptRow[] = await em.query(
      `INSERT INTO webhook_attempt (account_id, endpoint_id, delivery_id, event_id, event_type, attempt, attempted_at,
         duration_ms, status_code, error, response_head, outcome, endpoint_disabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${ATTEMPT_COLUMNS}`,
      [
        attempt.accountId,
        attempt.endpointId,
        attempt.deliveryId,
        attempt.eventId,
        attempt.eventType,
        attempt.attempt,
        attempt.attemptedAt,
        attempt.durationMs,
        attempt.statusCode,
        attempt.error,
        attempt.responseHead,
        attempt.outcome,
        attempt.endpointDisabled,
      ],
    );
    return rows[0];
  }

  /** Counts the attempt and settles the delivery, or schedules its next attempt `retryInSeconds` from now. */
  async settleDelivery(
    em: EntityManager,
    id: number,
    status: DeliveryStatus,
    attempts: number,
    retryInSeconds?: number,
  ): Promise<void> {
    await em.query(
      `UPDATE webhook_delivery SET status = $2, attempts = $3, lease_until = NULL,
         next_attempt_at = CASE WHEN $4::int IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $4::int) END,
         finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
       WHERE id = $1`,
      [id, status, attempts, retryInSeconds ?? null],
    );
  }

  /** A success ends the endpoint's run of failures; a failure starts one if none is running. */
  async markEndpointHealth(em: EntityManager, id: number, succeeded: boolean): Promise<void> {
    await em.query(
      `UPDATE webhook_endpoint SET failing_since = CASE WHEN $2 THEN NULL ELSE coalesce(failing_since, now()) END
       WHERE id = $1`,
      [id, succeeded],
    );
  }

  async disableEndpoint(em: EntityManager, id: number, reason: string): Promise<void> {
    await em.query(
      `UPDATE webhook_endpoint SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
       WHERE id = $1`,
      [id, reason],
    );
  }

  /** The endpoint's attempts, newest first, `limit` at a time before the attempt id `before`. */
  listAttempts(
    accountId: string,
    endpointId: number,
    before: number | undefined,
    limit: number,
  ): Promise<AttemptRow[]> {
    return this.db.query(
      `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempt
       WHERE account_id = $1 AND endpoint_id = $2 AND ($3::bigint IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [accountId, endpointId, before ?? null, limit],
    );
  }

  /** Pending deliveries long past due with no live worker: their job was lost (its worker died while holding it). */
  async overdueDeliveries(graceSeconds: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(
      `SELECT id::int AS id FROM webhook_delivery
       WHERE status = 'pending' AND next_attempt_at < now() - make_interval(secs => $1)
         AND (lease_until IS NULL OR lease_until < now())
       ORDER BY next_attempt_at LIMIT 1000`,
      [graceSeconds],
    );
    return rows.map((r) => r.id);
  }

  /** Forgets events, with their deliveries and attempts, and attempts older than `days`. */
  async prune(days: number): Promise<void> {
    await this.db.query('DELETE FROM webhook_attempt WHERE attempted_at < now() - make_interval(days => $1)', [days]);
    await this.db.query(
      `DELETE FROM webhook_event WHERE created_at < now() - make_interval(days => $1)
         AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = webhook_event.id AND d.status = 'pending')`,
      [days],
    );
  }
}
