import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { ATTEMPT_OUTCOMES } from '../webhook.entity';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-events';

const EVENTS_MESSAGE = `each event must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`;

/** Each item a known event type (a plain validator: the Swagger shim would document `@IsIn` on the array itself). */
function AreWebhookEvents(): PropertyDecorator {
  return ValidateBy({
    name: 'areWebhookEvents',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) && value.every((item) => (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(item)),
      defaultMessage: () => EVENTS_MESSAGE,
    },
  });
}

export class CreateWebhookEndpointDto {
  /** Where deliveries are POSTed: https (plain http only on private networks, when those are allowed). */
  @IsString()
  @MaxLength(2000)
  url: string;

  /** The events to deliver here, at least one. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @AreWebhookEvents()
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: WebhookEventType[];

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @AreWebhookEvents()
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, required: false })
  events?: WebhookEventType[];

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  /** False pauses deliveries; true enables the endpoint again (after Carnet disabled it too). */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointDto {
  id: number;
  url: string;
  description: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events: string[];
  enabled: boolean;
  /** Why Carnet disabled the endpoint (a 410, three days of failures). */
  disabledReason: string | null;
  /** ISO 8601. */
  disabledAt: string | null;
  /** Since when every attempt has failed (ISO 8601); null after a success. */
  failingSince: string | null;
  /** Until when the secret replaced by the last rotation still signs (ISO 8601). */
  previousSecretValidUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The endpoint with its signing secret: answered only when created and when the secret is rotated. */
export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  /** `whsec_…`: verify deliveries with it (any Standard Webhooks library). Shown this once. */
  secret: string;
}

export class ListWebhookAttemptsQueryDto {
  /** Attempts with an id below this one (the last id of the previous page). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  /** At most 100; default 50. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class WebhookAttemptDto {
  id: number;
  /** The `webhook-id` sent: the same for every attempt of one event. */
  eventId: string;
  eventType: string;
  /** 1 for an event's first attempt. */
  attempt: number;
  /** ISO 8601. */
  attemptedAt: string;
  durationMs: number;
  /** The receiver's HTTP status; null when it did not answer. */
  statusCode: number | null;
  /** Why the attempt failed without an answer (timeout, refused address, connection error). */
  error: string | null;
  /** The first KiB of the receiver's answer. */
  responseHead: string | null;
  /** `delivered`; `retrying` (another attempt is scheduled); `failed` (no more attempts for this event). */
  @ApiProperty({ enum: ATTEMPT_OUTCOMES })
  outcome: string;
  /** Set when this attempt disabled the endpoint, with why. */
  endpointDisabled: string | null;
}
