/**
 * Reads the items of an event batch as senders post them. A wrong channel or type makes the whole batch
 * wrong (the sender's integration is broken: 400); a missing key, id or date is reported for that item only.
 */
import { invalidContactKeyMessage, type KeyRules, readContactKey } from '../../common/contact-key';
import type { ErrorDetail } from '../../common/errors';
import {
  type DeliverabilityEvent,
  EMAIL_EVENT_TYPES,
  type EventChannel,
  readEventType,
  SMS_EVENT_TYPES,
} from './event-rules';

/** How an event names its contact, normalised as the base stores it. */
export type EventContactKey =
  { kind: 'contactKey'; value: string } | { kind: 'email'; value: string } | { kind: 'mobile'; value: string };

export interface ReadEvent {
  index: number;
  eventId: string;
  key: EventContactKey;
  event: DeliverabilityEvent;
}

export interface EventProblem {
  index: number;
  eventId: string | null;
  message: string;
}

export interface EventItemsReading {
  events: ReadEvent[];
  problems: EventProblem[];
  /** Channels and types nobody can apply: the batch is refused with these. */
  refusals: ErrorDetail[];
}

const MAX_EVENT_ID_LENGTH = 200;
const MAX_DETAIL_LENGTH = 1000;
/** Clocks drift; an event dated further ahead would hide every later one as "older". */
const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.trim() || undefined : typeof value === 'number' ? String(value) : undefined;

function readEventKey(item: Record<string, unknown>, rules: KeyRules): EventContactKey | string {
  const contactKey = text(item.contactKey);
  const email = text(item.email);
  const mobile = text(item.mobile);
  if (contactKey !== undefined) {
    const value = readContactKey(contactKey, rules);
    return value ? { kind: 'contactKey', value } : invalidContactKeyMessage(contactKey, rules);
  }
  if (email !== undefined) {
    const value = readContactKey(email, { ...rules, uniquenessKey: 'email' });
    return value ? { kind: 'email', value } : `email "${email}" is not a valid email address`;
  }
  if (mobile !== undefined) {
    const value = readContactKey(mobile, { ...rules, uniquenessKey: 'mobile' });
    return value
      ? { kind: 'mobile', value }
      : `mobile "${mobile}" is not a valid phone number (national numbers read as ${rules.defaultCountry})`;
  }
  return 'no contact: give contactKey, email or mobile';
}

function readDate(raw: unknown, now: Date): Date | string {
  const at = typeof raw === 'string' || typeof raw === 'number' ? new Date(raw) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    return 'at must be the time of the event, an ISO 8601 date-time such as "2026-11-23T10:15:00Z"';
  }
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    return `at "${String(raw)}" is in the future; send the time the event happened`;
  }
  return at;
}

function readChannel(raw: unknown, index: number): EventChannel | ErrorDetail {
  if (raw === 'email' || raw === 'sms') return raw;
  const given = raw === undefined ? 'is missing' : `${JSON.stringify(raw)} is not a channel`;
  return { field: `events[${index}].channel`, message: `events[${index}].channel ${given}: use "email" or "sms"` };
}

/** Reads every item; `now` bounds how far ahead an event may be dated. */
export function readEventItems(items: unknown[], rules: KeyRules, now: Date): EventItemsReading {
  const reading: EventItemsReading = { events: [], problems: [], refusals: [] };
  items.forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      reading.problems.push({ index, eventId: null, message: `events[${index}] is not an object` });
      return;
    }
    const item = raw as Record<string, unknown>;
    const channel = readChannel(item.channel, index);
    if (typeof channel !== 'string') {
      reading.refusals.push(channel);
      return;
    }
    const rawType = text(item.type);
    const type = rawType === undefined ? undefined : readEventType(channel, rawType);
    if (type === undefined) {
      const known = (channel === 'email' ? EMAIL_EVENT_TYPES : SMS_EVENT_TYPES).join(', ');
      const given = rawType === undefined ? 'is missing' : `"${rawType}" is not an ${channel} event type`;
      reading.refusals.push({
        field: `events[${index}].type`,
        message: `events[${index}].type ${given}: use ${known}`,
      });
      return;
    }
    const eventId = text(item.eventId);
    const problem = (message: string) => reading.problems.push({ index, eventId: eventId ?? null, message });
    if (eventId === undefined) return problem('eventId is required: it makes a replayed batch harmless');
    if (eventId.length > MAX_EVENT_ID_LENGTH)
      return problem(`eventId is longer than ${MAX_EVENT_ID_LENGTH} characters`);
    const key = readEventKey(item, rules);
    if (typeof key === 'string') return problem(key);
    const at = readDate(item.at, now);
    if (typeof at === 'string') return problem(at);
    const detail = text(item.detail)?.slice(0, MAX_DETAIL_LENGTH) ?? null;
    reading.events.push({ index, eventId, key, event: { channel, type, detail, at } as DeliverabilityEvent });
  });
  return reading;
}
