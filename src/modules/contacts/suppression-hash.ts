import { createHash, createHmac } from 'node:crypto';
import { Channel } from '../deliverability-status/status-rules';

/**
 * `suppression.hash_version`: 1 is the unkeyed SHA-256 written before suppression records were keyed, 2 the HMAC
 * below. Version 1 rows are re-keyed at start-up (they are HMACs of what they hold), then none is left.
 */
export const LEGACY_HASH_VERSION = 1;
export const SUPPRESSION_HASH_VERSION = 2;

/**
 * Suppression records are keyed hashes (SPEC §11): HMAC-SHA256 with SECRET_KEY, so a stolen database cannot confirm
 * an address by hashing guesses; salted per account and channel, so the same address cannot be correlated across
 * tenants. The HMAC is taken over the former unkeyed digest, so a record written before keying is re-keyed from
 * its stored value alone, without the address, and ends equal to one written now.
 */
export class SuppressionHasher {
  /** `secretKey` undefined only where nothing is hashed (the OpenAPI writer); a hash then throws. */
  constructor(private readonly secretKey: string | undefined) {}

  hash(accountId: string, channel: Channel, normalisedKey: string): string {
    return this.rekey(createHash('sha256').update(`${accountId}:${channel}:${normalisedKey}`).digest('hex'));
  }

  /** The version-2 hash of a version-1 record. */
  rekey(legacyHash: string): string {
    if (!this.secretKey) throw new Error('SECRET_KEY is needed to hash suppression records');
    return createHmac('sha256', this.secretKey).update(legacyHash).digest('hex');
  }
}
