import { isHardStatus, isOptedOut, type OptIn } from '../deliverability-status/status-rules';
import { CHANNEL_COLUMNS } from './contact-consent';
import type { SuppressionRow } from './contacts.repository';
import type { SuppressionHasher } from './suppression-hash';

export type SuppressionEntry = SuppressionRow & { hash: string };

export interface SuppressionKey {
  channel: 'email' | 'sms';
  hash: string;
}

export interface SuppressionChanges {
  /** Records to write or refresh: the opt-outs and hard statuses that must outlive the contacts. */
  upserts: SuppressionEntry[];
  /** Records to remove: the address is now subscribed and deliverable (a forced resubscription). */
  removals: SuppressionKey[];
}

/**
 * What deleting (or erasing) contacts does to the suppression records of their addresses, per channel:
 * an opted-out or hard address is recorded (an erased one always, as opted out); a subscribed, deliverable
 * one loses its record, so a stale opt-out cannot come back after a forced resubscription. An address
 * with no opt-in stated leaves its record alone. When contacts share an address, keeping wins.
 */
export function suppressionChanges(
  hasher: SuppressionHasher,
  accountId: string,
  rows: Record<string, unknown>[],
  erased: boolean,
): SuppressionChanges {
  const upserts = new Map<string, SuppressionEntry>();
  const removals = new Map<string, SuppressionKey>();
  for (const row of rows) {
    for (const c of CHANNEL_COLUMNS) {
      const address = row[c.key] as string | null;
      if (!address) continue;
      const hash = hasher.hash(accountId, c.channel, address);
      const id = `${c.channel}:${hash}`;
      const optIn = erased ? 'no' : (row[c.optIn] as OptIn | null);
      const status = isHardStatus(c.channel, row[c.status] as string) ? (row[c.status] as string) : null;
      if (isOptedOut(optIn) || status) {
        removals.delete(id);
        upserts.set(id, {
          channel: c.channel,
          hash,
          optIn: isOptedOut(optIn) ? optIn : null,
          status,
          reason: erased ? 'personal data erased on request' : ((row[c.unsubscriptionReason] as string | null) ?? null),
        });
      } else if (optIn === 'yes' && !upserts.has(id)) {
        removals.set(id, { channel: c.channel, hash });
      }
    }
  }
  return { upserts: [...upserts.values()], removals: [...removals.values()] };
}

/** The state a contact being created inherits from the suppression records of its addresses. */
export function suppressedState(rows: SuppressionRow[]): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (const row of rows) {
    const c = CHANNEL_COLUMNS.find((x) => x.channel === row.channel);
    if (!c) continue;
    state[c.optIn] = row.optIn;
    state[c.unsubscriptionReason] = row.reason;
    state[c.status] = row.status;
  }
  return state;
}

/** The suppression hashes to look up for a contact with these columns. */
export function suppressionLookups(hasher: SuppressionHasher, accountId: string, columns: Record<string, unknown>) {
  return CHANNEL_COLUMNS.filter((c) => typeof columns[c.key] === 'string').map((c) => ({
    channel: c.channel,
    hash: hasher.hash(accountId, c.channel, columns[c.key] as string),
  }));
}

/** The addresses `requested` gives an existing contact that it does not hold yet, by column (`email`, `mobile`). */
export function arrivingAddresses(
  stored: Record<string, unknown>,
  requested: Record<string, unknown>,
): Record<string, string> {
  const arriving: Record<string, string> = {};
  for (const c of CHANNEL_COLUMNS) {
    const address = requested[c.key];
    if (typeof address === 'string' && address !== stored[c.key]) arriving[c.key] = address;
  }
  return arriving;
}

/**
 * An address arriving on an existing contact (`stored`) brings what its suppression record kept, as it would to
 * a contact created with it: the recorded opt-out or hard status is requested along with the change and wins
 * over what the write asked for, unless the write is forced. A contact already opted out or hard on that channel
 * keeps its own values (the stricter one holds already). Returns the request to apply the consent rules to, and
 * one sentence per refused value.
 */
export function withSuppressions(
  stored: Record<string, unknown>,
  requested: Record<string, unknown>,
  suppressions: SuppressionRow[],
  force: boolean,
): { requested: Record<string, unknown>; refusals: string[] } {
  if (force || suppressions.length === 0) return { requested, refusals: [] };
  const merged = { ...requested };
  const refusals: string[] = [];
  for (const record of suppressions) {
    const c = CHANNEL_COLUMNS.find((x) => x.channel === record.channel);
    if (!c) continue;
    const optIn = record.optIn as OptIn | null;
    const keepsOwnOptOut = isOptedOut(stored[c.optIn] as OptIn | null | undefined);
    if (isOptedOut(optIn) && !keepsOwnOptOut && !isOptedOut(merged[c.optIn] as OptIn | null | undefined)) {
      if (merged[c.optIn] != null) {
        refusals.push(
          `${c.optInKey} stays "${optIn}": the address ${String(merged[c.key])} opted out; only a forced write can resubscribe it`,
        );
      }
      merged[c.optIn] = optIn;
      merged[c.unsubscriptionReason] = record.reason;
    }
    if (
      record.status &&
      isHardStatus(c.channel, record.status) &&
      !isHardStatus(c.channel, stored[c.status] as string) &&
      !isHardStatus(c.channel, merged[c.status] as string)
    ) {
      if (merged[c.status] != null) {
        refusals.push(
          `${c.statusKey} stays "${record.status}": the address ${String(merged[c.key])} is known undeliverable; only a forced write can change it`,
        );
      }
      merged[c.status] = record.status;
    }
  }
  return { requested: merged, refusals };
}
