/**
 * How events from sending systems move a contact's deliverability status and consent on one channel
 * (SPEC §6). Pure: the caller loads the channel state, applies events in any order and saves the result.
 */
import { sameValueOrInstant } from '../../common/dates';
import { type Channel, decideStatus, isHardStatus, isOptedOut, type OptIn } from './status-rules';

export type EventChannel = Channel;

export const EMAIL_EVENT_TYPES = [
  'delivered',
  'open',
  'click',
  'soft',
  'hard',
  'absent',
  'rejected',
  'unsubscribed',
  'complaint',
] as const;
export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[number];

export const SMS_EVENT_TYPES = ['delivered', 'error', 'unknownnumber', 'badformat', 'unsubscribed'] as const;
export type SmsEventType = (typeof SMS_EVENT_TYPES)[number];

export type EventType = EmailEventType | SmsEventType;

export type DeliverabilityEvent =
  | { channel: 'email'; type: EmailEventType; detail?: string | null; at: Date }
  | { channel: 'sms'; type: SmsEventType; detail?: string | null; at: Date };

/** One channel of a contact: `email*` or `mobile*` built-in fields, plus what the event rules need. */
export interface ChannelState {
  optIn: OptIn | null;
  unsubscriptionDate: Date | null;
  unsubscriptionReason: string | null;
  status: string;
  statusDate: Date | null;
  statusDetail: string | null;
  /** Soft bounces in a row since the last proof that the address works. */
  softCount: number;
  lastEngagedAt: Date | null;
}

export interface EventSettings {
  softBounceLimit: number;
}

export const DEFAULT_SOFT_BOUNCE_LIMIT = 5;

/**
 * "Vous pouvez si souhaité gérer la mise en adresse invalide des adresses Soft pour ne plus les solliciter
 * après un certain nombre de retours Soft" (seed 002). The seed files `rejected` with `absent` and `soft` as
 * "adresses momentanément invalides", while the hard statuses each name a proven cause (alias, domain,
 * syntax) that repeated softs do not prove. So the invalid address becomes `rejected`: not hard, so a later
 * delivery or open may still bring it back to `valid`.
 */
export const SOFT_LIMIT_STATUS = 'rejected';

type ChannelField = 'optin' | 'unsubscriptiondate' | 'unsubscriptionreason' | 'status' | 'statusdate' | 'statusdetail';
/** v4 built-in field keys (SPEC §3), `activity` standing for the last engagement. */
export type ChangedField = `email${ChannelField}` | `mobile${ChannelField}` | 'activity';

export interface EventResult {
  state: ChannelState;
  outcome: 'applied' | 'ignored';
  /** Why the event was ignored, or how an applied event was read when it was not taken at face value. */
  reason?: string;
  /** The fields whose value changed, in a stable order; empty when ignored. */
  changes: ChangedField[];
}

const SMS_TYPE_ALIASES: Readonly<Record<string, SmsEventType>> = {
  unknown_number: 'unknownnumber',
  bad_format: 'badformat',
};

/** Reads an event type as senders spell it (`Delivered`, `unknown_number`, `bad format`…). */
export function readEventType(channel: 'email', raw: string): EmailEventType | undefined;
export function readEventType(channel: 'sms', raw: string): SmsEventType | undefined;
export function readEventType(channel: EventChannel, raw: string): EventType | undefined;
export function readEventType(channel: EventChannel, raw: string): EventType | undefined {
  const value = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
  if (channel === 'email') {
    return (EMAIL_EVENT_TYPES as readonly string[]).includes(value) ? (value as EmailEventType) : undefined;
  }
  if ((SMS_EVENT_TYPES as readonly string[]).includes(value)) return value as SmsEventType;
  return SMS_TYPE_ALIASES[value];
}

const isKnownType = (channel: EventChannel, type: string): boolean =>
  ((channel === 'email' ? EMAIL_EVENT_TYPES : SMS_EVENT_TYPES) as readonly string[]).includes(type);

export type HardBounceStatus = 'badalias' | 'baddomain' | 'badsyntax' | 'rejected';

// Not preceded or followed by more dotted digits, so IP addresses and version numbers do not match.
const ENHANCED_CODE = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;

const CODE_STATUSES: Readonly<Record<string, Exclude<HardBounceStatus, 'rejected'>>> = {
  '5.1.1': 'badalias',
  '5.1.2': 'baddomain',
  '5.1.10': 'baddomain',
  '5.4.4': 'baddomain',
  '5.1.3': 'badsyntax',
};

// Domain before alias: "domain does not exist" must not be read as an unknown mailbox.
const TEXT_STATUSES: ReadonlyArray<[RegExp, Exclude<HardBounceStatus, 'rejected'>]> = [
  [/(?:host|domain)(?: or domain)?(?: name)? not found|nxdomain|\bno mx\b|domain does not exist/, 'baddomain'],
  [/bad address syntax|invalid address/, 'badsyntax'],
  [/user unknown|unknown user|no such user|mailbox unavailable|does not exist/, 'badalias'],
];

const AUTO_REPLY =
  /out[ -]of[ -](?:the[ -])?office|\babsent\b|automatic reply|reponse automatique|\bvacances\b|\bauto[ -]?reply\b/;

const normalise = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

const enhancedCode = (detail: string): string | undefined => {
  const match = ENHANCED_CODE.exec(detail);
  return match ? `${match[1]}.${Number(match[2])}.${Number(match[3])}` : undefined;
};

/** Which hard status a permanent failure reply proves, from its enhanced status code, else its wording. */
export function classifyHardBounce(detail: string | null | undefined): HardBounceStatus {
  if (!detail) return 'rejected';
  const code = enhancedCode(detail);
  if (code && code in CODE_STATUSES) return CODE_STATUSES[code];
  const text = normalise(detail);
  return TEXT_STATUSES.find(([pattern]) => pattern.test(text))?.[1] ?? 'rejected';
}

/**
 * What a bounce reply really is when the sender's type is wrong: a 4.x.x code is a temporary failure
 * (`soft`), an auto-reply means the mailbox took the message (`absent`); undefined when taken at face value.
 */
export function classifyReply(detail: string | null | undefined): 'soft' | 'absent' | undefined {
  if (!detail) return undefined;
  const code = enhancedCode(detail);
  // A reply carrying an enhanced code is a server's delivery report, never a person's auto-reply.
  if (code) return code.startsWith('4.') ? 'soft' : undefined;
  return AUTO_REPLY.test(normalise(detail)) ? 'absent' : undefined;
}

type Effect =
  | { kind: 'engaged' }
  | { kind: 'status'; status: string; softCount: 'reset' | 'increment' | 'keep'; note?: string }
  | { kind: 'optout'; reason: string };

function bounceEffect(type: 'soft' | 'hard', detail: string | null): Effect {
  const reply = classifyReply(detail);
  if (reply === 'absent') {
    return { kind: 'status', status: 'absent', softCount: 'reset', note: `${type} reply is an auto-reply` };
  }
  if (type === 'soft' || reply === 'soft') {
    const note = type === 'hard' ? 'hard reply has a temporary (4.x.x) code' : undefined;
    return { kind: 'status', status: 'soft', softCount: 'increment', note };
  }
  return { kind: 'status', status: classifyHardBounce(detail), softCount: 'keep' };
}

function effectOf(event: DeliverabilityEvent, detail: string | null): Effect {
  if (event.channel === 'sms') {
    switch (event.type) {
      case 'delivered':
        return { kind: 'status', status: 'valid', softCount: 'reset' };
      case 'error':
        return { kind: 'status', status: 'error', softCount: 'keep' };
      case 'unknownnumber':
        return { kind: 'status', status: 'badnumber', softCount: 'keep' };
      case 'badformat':
        return { kind: 'status', status: 'badformat', softCount: 'keep' };
      case 'unsubscribed':
        return { kind: 'optout', reason: detail ?? 'unsubscribed' };
    }
  }
  switch (event.type) {
    case 'delivered':
      return { kind: 'status', status: 'valid', softCount: 'reset' };
    case 'open':
    case 'click':
      return { kind: 'engaged' };
    case 'soft':
    case 'hard':
      return bounceEffect(event.type, detail);
    case 'absent':
      // An out-of-office reply is only sent once the message reached the mailbox: the soft run is broken.
      return { kind: 'status', status: 'absent', softCount: 'reset' };
    case 'rejected':
      return { kind: 'status', status: 'rejected', softCount: 'keep' };
    case 'unsubscribed':
      return { kind: 'optout', reason: detail ?? 'unsubscribed' };
    case 'complaint':
      return { kind: 'optout', reason: detail ? `complaint: ${detail}` : 'complaint' };
  }
}

const TRACKED: ReadonlyArray<[keyof ChannelState, ChannelField | 'activity']> = [
  ['optIn', 'optin'],
  ['unsubscriptionDate', 'unsubscriptiondate'],
  ['unsubscriptionReason', 'unsubscriptionreason'],
  ['status', 'status'],
  ['statusDate', 'statusdate'],
  ['statusDetail', 'statusdetail'],
  ['lastEngagedAt', 'activity'],
];

/** The v4 keys of `TRACKED` on each channel, named once. */
const TRACKED_KEYS: Record<EventChannel, ChangedField[]> = {
  email: TRACKED.map(([, key]) => (key === 'activity' ? key : (`email${key}` as ChangedField))),
  sms: TRACKED.map(([, key]) => (key === 'activity' ? key : (`mobile${key}` as ChangedField))),
};

function changedFields(channel: EventChannel, before: ChannelState, after: ChannelState): ChangedField[] {
  const changed: ChangedField[] = [];
  for (let i = 0; i < TRACKED.length; i++) {
    const field = TRACKED[i][0];
    if (!sameValueOrInstant(before[field], after[field])) changed.push(TRACKED_KEYS[channel][i]);
  }
  return changed;
}

const ignored = (state: ChannelState, reason: string): EventResult => ({
  state: { ...state },
  outcome: 'ignored',
  reason,
  changes: [],
});

const isOlder = (at: Date, than: Date | null): boolean => than != null && at.getTime() < than.getTime();

/**
 * Applies one event to a channel state and returns the new state (the given one is never modified).
 * Older events never overwrite newer facts, hard statuses and unsubscribes stay, and `changes` lists the
 * v4 fields that moved for the contact's history (`softCount` has no v4 field and is not listed).
 */
export function applyEvent(
  state: ChannelState,
  event: DeliverabilityEvent,
  settings: EventSettings = { softBounceLimit: DEFAULT_SOFT_BOUNCE_LIMIT },
): EventResult {
  const { channel, at } = event;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) return ignored(state, 'invalid event date');
  if (!isKnownType(channel, event.type)) return ignored(state, 'unknown event type');
  const detail = event.detail?.trim() || null;
  const effect = effectOf(event, detail);
  let next: ChannelState;
  let note: string | undefined;

  switch (effect.kind) {
    case 'engaged': {
      if (state.lastEngagedAt != null && at.getTime() <= state.lastEngagedAt.getTime()) {
        return ignored(state, 'older than the last activity');
      }
      next = { ...state, lastEngagedAt: at };
      const proves = !isOlder(at, state.statusDate) && !isHardStatus(channel, state.status);
      // An open is not a server reply: it only corrects a status that says the address does not work.
      if (proves && (state.status !== 'valid' || state.softCount !== 0)) {
        next = { ...next, status: 'valid', statusDate: at, softCount: 0 };
      }
      break;
    }
    case 'status': {
      if (isOlder(at, state.statusDate)) return ignored(state, 'older than the current status');
      let status = effect.status;
      let softCount = state.softCount;
      note = effect.note;
      if (effect.softCount === 'reset') softCount = 0;
      if (effect.softCount === 'increment') {
        softCount += 1;
        if (softCount >= settings.softBounceLimit) {
          status = SOFT_LIMIT_STATUS;
          note = `${softCount} soft bounces in a row (limit ${settings.softBounceLimit})`;
        }
      }
      if (decideStatus(channel, state.status, status, false).refused) return ignored(state, 'hard status is kept');
      next = { ...state, status, statusDate: at, statusDetail: detail ?? state.statusDetail, softCount };
      break;
    }
    case 'optout': {
      if (isOlder(at, state.unsubscriptionDate)) return ignored(state, 'older than the current unsubscription');
      if (isOptedOut(state.optIn)) return ignored(state, 'already unsubscribed');
      next = { ...state, optIn: 'no', unsubscriptionDate: at, unsubscriptionReason: effect.reason };
      break;
    }
  }

  const result: EventResult = { state: next, outcome: 'applied', changes: changedFields(channel, state, next) };
  if (note) result.reason = note;
  return result;
}
