/** A contact's deliverability as the event rules see it, and back to the columns that store it. */
import { sameValueOrInstant } from '../../common/dates';
import type { ContactDeliverability, StoredChannel } from '../deliverability-status/event-batch';
import type { OptIn } from '../deliverability-status/status-rules';
import { CHANNEL_COLUMNS } from './contact-consent';

/** What events name contacts by: the account's keys, emails, E.164 mobiles. */
export interface DeliverabilityLookup {
  keys: string[];
  emails: string[];
  mobiles: string[];
}

/** The kinds of value a lookup holds, in the order of its fields. */
export const LOOKUP_KINDS = ['contactKey', 'email', 'mobile'] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

/** One value of a lookup, named with its kind. */
export const lookupKey = (kind: LookupKind, value: string): string => `${kind}:${value}`;

/** The fields of a stored channel, each named like the `CHANNEL_COLUMNS` entry giving its column. */
const CHANNEL_FIELDS = [
  'optIn',
  'unsubscriptionDate',
  'unsubscriptionReason',
  'status',
  'statusDate',
  'statusDetail',
  'softCount',
] as const satisfies ReadonlyArray<keyof StoredChannel & keyof (typeof CHANNEL_COLUMNS)[number]>;

const COLUMN_TYPES: Record<(typeof CHANNEL_FIELDS)[number], string> = {
  optIn: 'text',
  unsubscriptionDate: 'timestamptz',
  unsubscriptionReason: 'text',
  status: 'text',
  statusDate: 'timestamptz',
  statusDetail: 'text',
  softCount: 'smallint',
};

/** Every column an event may change, with its PostgreSQL type. */
export const DELIVERABILITY_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ...CHANNEL_COLUMNS.flatMap((c) => CHANNEL_FIELDS.map((field) => [c[field], COLUMN_TYPES[field]] as const)),
  ['last_engaged_at', 'timestamptz'],
];

const [EMAIL, SMS] = CHANNEL_COLUMNS;

function readChannel(row: Record<string, unknown>, c: (typeof CHANNEL_COLUMNS)[number]): StoredChannel {
  return {
    optIn: (row[c.optIn] as OptIn | null) ?? null,
    unsubscriptionDate: (row[c.unsubscriptionDate] as Date | null) ?? null,
    unsubscriptionReason: (row[c.unsubscriptionReason] as string | null) ?? null,
    status: (row[c.status] as string | null) ?? 'unknown',
    statusDate: (row[c.statusDate] as Date | null) ?? null,
    statusDetail: (row[c.statusDetail] as string | null) ?? null,
    softCount: Number(row[c.softCount] ?? 0),
  };
}

export function readDeliverability(row: Record<string, unknown>): ContactDeliverability {
  return {
    id: Number(row.id),
    email: readChannel(row, EMAIL),
    sms: readChannel(row, SMS),
    lastEngagedAt: (row.last_engaged_at as Date | null) ?? null,
  };
}

/**
 * The columns whose value differs between two states of a contact's deliverability, with the value `after`
 * holds, written into `columns` (given to add other values).
 */
export function changedDeliverabilityColumns<T extends object>(
  before: ContactDeliverability,
  after: ContactDeliverability,
  columns: T,
): T & Record<string, unknown> {
  const into = columns as Record<string, unknown>;
  if (!sameValueOrInstant(before.lastEngagedAt, after.lastEngagedAt)) into.last_engaged_at = after.lastEngagedAt;
  for (const [c, channel] of [
    [EMAIL, 'email'],
    [SMS, 'sms'],
  ] as const) {
    for (const field of CHANNEL_FIELDS) {
      if (!sameValueOrInstant(before[channel][field], after[channel][field])) into[c[field]] = after[channel][field];
    }
  }
  return into as T & Record<string, unknown>;
}
