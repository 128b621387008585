import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

@Injectable()
export class DeliverabilityEventsRepository {
  /** Records event ids as taken; returns those that were not taken yet (a concurrent twin waits for this one). */
  async claim(em: EntityManager, accountId: string, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows: { event_id: string }[] = await em.query(
      `INSERT INTO deliverability_event (account_id, event_id) SELECT $1, unnest($2::text[])
       ON CONFLICT (account_id, event_id) DO NOTHING RETURNING event_id`,
      [accountId, eventIds],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * Forgets the ids received before `before`, in every account, a slice at a time so no statement holds many
   * rows; returns how many were forgotten.
   */
  async forgetBefore(em: EntityManager, before: Date, slice = 50_000): Promise<number> {
    let forgotten = 0;
    for (;;) {
      const [, count] = await em.query<[unknown, number]>(
        `DELETE FROM deliverability_event WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM deliverability_event WHERE received_at < $1 LIMIT $2))`,
        [before, slice],
      );
      forgotten += count;
      if (count < slice) return forgotten;
    }
  }
}
