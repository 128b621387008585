/**
 * Consent and deliverability rules shared by every write path (API, imports, events): nothing
 * resubscribes a contact or revives a hard address except an explicit per-contact `force`.
 */

export const OPTINS = ['yes', 'no', 'orange', 'blocklist'] as const;
export type OptIn = (typeof OPTINS)[number];

export const EMAIL_STATUSES = [
  'unknown',
  'valid',
  'absent',
  'soft',
  'rejected',
  'badalias',
  'baddomain',
  'badsyntax',
] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];
export const HARD_EMAIL_STATUSES: readonly EmailStatus[] = ['badalias', 'baddomain', 'badsyntax'];

export const MOBILE_STATUSES = ['unknown', 'valid', 'error', 'badnumber', 'badformat'] as const;
export type MobileStatus = (typeof MOBILE_STATUSES)[number];
export const HARD_MOBILE_STATUSES: readonly MobileStatus[] = ['badnumber', 'badformat'];

export type Channel = 'email' | 'sms';

const OPTIN_WORDS: Record<string, OptIn> = {
  yes: 'yes',
  true: 'yes',
  oui: 'yes',
  '1': 'yes',
  x: 'yes',
  no: 'no',
  false: 'no',
  non: 'no',
  '0': 'no',
  orange: 'orange',
  blocklist: 'blocklist',
};

/** Reads an opt-in as files and API callers write it (`oui`, `true`, `1`, `x`…). */
export function readOptIn(raw: string): OptIn | undefined {
  return OPTIN_WORDS[raw.trim().toLowerCase()];
}

export function readEmailStatus(raw: string): EmailStatus | undefined {
  const value = raw.trim().toLowerCase();
  return (EMAIL_STATUSES as readonly string[]).includes(value) ? (value as EmailStatus) : undefined;
}

export function readMobileStatus(raw: string): MobileStatus | undefined {
  const value = raw.trim().toLowerCase();
  return (MOBILE_STATUSES as readonly string[]).includes(value) ? (value as MobileStatus) : undefined;
}

/** Unsubscribed, on the global do-not-contact list, or on the account's blocklist. */
export const isOptedOut = (optIn: OptIn | null | undefined): boolean => optIn != null && optIn !== 'yes';

export const isHardStatus = (channel: Channel, status: string | null | undefined): boolean =>
  channel === 'email'
    ? HARD_EMAIL_STATUSES.includes(status as EmailStatus)
    : HARD_MOBILE_STATUSES.includes(status as MobileStatus);

export interface Decision<T> {
  value: T;
  /** True when the requested change was refused by the sticky rule. */
  refused: boolean;
}

/** An opted-out contact stays opted out unless the write is forced. */
export function decideOptIn(current: OptIn | null, requested: OptIn, force: boolean): Decision<OptIn> {
  if (requested === 'yes' && isOptedOut(current) && !force) return { value: current as OptIn, refused: true };
  return { value: requested, refused: false };
}

/** A hard status stays hard (only another hard status may replace it) unless the write is forced. */
export function decideStatus<S extends string>(
  channel: Channel,
  current: S | null,
  requested: S,
  force: boolean,
): Decision<S> {
  if (isHardStatus(channel, current) && !isHardStatus(channel, requested) && !force) {
    return { value: current as S, refused: true };
  }
  return { value: requested, refused: false };
}
