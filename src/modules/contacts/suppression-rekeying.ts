import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ContactsRepository } from './contacts.repository';
import { SuppressionHasher } from './suppression-hash';

const REKEY_BATCH = 5_000;

/**
 * Suppression records written before they were keyed hold an unkeyed SHA-256 (hash version 1). At start, before
 * the service answers, each is replaced by the HMAC of what it holds, which is what a lookup computes now: no
 * suppression is lost and no address is needed. Safe on several instances at once (rows are taken SKIP LOCKED).
 */
@Injectable()
export class SuppressionRekeying implements OnApplicationBootstrap {
  private readonly logger = new Logger(SuppressionRekeying.name);

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly hasher: SuppressionHasher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rekeyed = await this.rekeyLegacy();
    if (rekeyed > 0) this.logger.log(`Re-keyed ${rekeyed} suppression records with SECRET_KEY`);
  }

  /** Re-keys every version-1 record; answers how many. */
  async rekeyLegacy(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.contacts.rekeyLegacySuppressions((hash) => this.hasher.rekey(hash), REKEY_BATCH);
      if (done === 0) return total;
      total += done;
    }
  }
}
