/** The events an endpoint may take (SPEC §10); `ping` is only sent by the test call. */
export const WEBHOOK_EVENT_TYPES = [
  'import.finished',
  'import.failed',
  'purge.finished',
  'purge.failed',
  'export.finished',
  'export.failed',
  'schedule.run.finished',
  'schedule.run.failed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const PING_EVENT = 'ping';

/** What every delivery's body holds; `data` is the operation as the API shows it. */
export interface WebhookPayload {
  type: WebhookEventType | typeof PING_EVENT;
  /** When the event happened, ISO 8601 UTC. */
  timestamp: string;
  data: Record<string, unknown>;
}
