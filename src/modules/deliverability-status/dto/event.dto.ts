import { ApiProperty } from '@nestjs/swagger';
import { EMAIL_EVENT_TYPES, SMS_EVENT_TYPES } from '../event-rules';

/** One event from a sending system. Name the contact by `contactKey`, `email` or `mobile` (first given wins). */
export class DeliverabilityEventDto {
  /** The sender's own id for the event: an id replayed within the retention (30 days by default) changes nothing. */
  eventId: string;
  /** The contact's key as the account matches it (email or mobile). */
  contactKey?: string;
  email?: string;
  /** National numbers are read with the account's `defaultCountry`. */
  mobile?: string;
  @ApiProperty({ enum: ['email', 'sms'] })
  channel: 'email' | 'sms';
  /** Email: delivered, open, click, soft, hard, absent, rejected, unsubscribed, complaint. SMS: delivered, error, unknownnumber (or unknown_number), badformat (or bad_format), unsubscribed. */
  @ApiProperty({ enum: [...new Set([...EMAIL_EVENT_TYPES, ...SMS_EVENT_TYPES])] })
  type: string;
  /** The server's reply (`550 5.1.1 User unknown`) or the unsubscription reason. */
  detail?: string;
  /** When it happened, ISO 8601 (`2026-11-23T10:15:00Z`). */
  at: string;
}

export class DeliverabilityEventBatchDto {
  /** 1 to 10,000 events. Items are checked one by one: a bad one is reported, the others applied. */
  @ApiProperty({ type: [DeliverabilityEventDto] })
  events: unknown[];
}

export class EventErrorDto {
  /** Position of the event in the batch, from 0. */
  index: number;
  eventId: string | null;
  @ApiProperty({ enum: ['ContactNotFound', 'InvalidEvent'] })
  code: 'ContactNotFound' | 'InvalidEvent';
  message: string;
}

export class EventBatchResultDto {
  received: number;
  /** Events that changed at least one contact. */
  applied: number;
  /** Events replayed (their id was already taken) or out of date (older than what the contact already shows). */
  ignored: number;
  /** Events naming no contact of this account (nothing is created). */
  unknown: number;
  /** Events that could not be read (no contact named, no id, no date). */
  failed: number;
  /** Every unknown or failed event. */
  errors: EventErrorDto[];
}
