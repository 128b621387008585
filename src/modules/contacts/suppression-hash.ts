import { createHash } from 'node:crypto';
import { Channel } from '../deliverability-status/status-rules';

/** Salted per account, so the same address cannot be correlated across tenants. */
export function suppressionHash(accountId: string, channel: Channel, normalisedKey: string): string {
  return createHash('sha256').update(`${accountId}:${channel}:${normalisedKey}`).digest('hex');
}
