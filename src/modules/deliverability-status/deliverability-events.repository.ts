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
}
