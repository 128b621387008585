import { isHardStatus, isOptedOut, type OptIn } from '../deliverability-status/status-rules';
import { CHANNEL_COLUMNS } from './contact-consent';
import type { SuppressionRow } from './contacts.repository';
import { suppressionHash } from './suppression-hash';

export type SuppressionEntry = SuppressionRow & { hash: string };

/**
 * What must outlive a contact that is deleted (or erased): per channel, its opt-out and hard status,
 * keyed by the hashed address. Nothing is kept for a subscribed, deliverable address.
 */
export function suppressionEntries(
  accountId: string,
  row: Record<string, unknown>,
  erased: boolean,
): SuppressionEntry[] {
  const entries: SuppressionEntry[] = [];
  for (const c of CHANNEL_COLUMNS) {
    const address = row[c.key] as string | null;
    if (!address) continue;
    const optIn = erased ? 'no' : (row[c.optIn] as OptIn | null);
    const status = isHardStatus(c.channel, row[c.status] as string) ? (row[c.status] as string) : null;
    if (!isOptedOut(optIn) && !status) continue;
    entries.push({
      channel: c.channel,
      hash: suppressionHash(accountId, c.channel, address),
      optIn: isOptedOut(optIn) ? optIn : null,
      status,
      reason: erased ? 'personal data erased on request' : ((row[c.unsubscriptionReason] as string | null) ?? null),
    });
  }
  return entries;
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
export function suppressionLookups(accountId: string, columns: Record<string, unknown>) {
  return CHANNEL_COLUMNS.filter((c) => typeof columns[c.key] === 'string').map((c) => ({
    channel: c.channel,
    hash: suppressionHash(accountId, c.channel, columns[c.key] as string),
  }));
}
