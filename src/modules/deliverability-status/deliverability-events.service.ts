import { Interval } from '@nestjs/schedule';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AccountContext } from '../../common/auth.decorators';
import { BadRequest, PayloadTooLarge } from '../../common/errors';
import { HousekeepingTask } from '../../common/housekeeping-task';
import type { CarnetConfig } from '../../config/configuration';
import { CARNET_CONFIG } from '../../database/database.module';
import { ContactBatchesService } from '../contacts/contact-batches.service';
import { type DeliverabilityLookup, lookupKey } from '../contacts/contact-deliverability';
import { DeliverabilityEventsRepository } from './deliverability-events.repository';
import { EventBatchResultDto, EventErrorDto } from './dto/event.dto';
import { applyEventBatch, type ContactDeliverability, holdBack, type LocatedEvent } from './event-batch';
import { type EventContactKey, readEventItems, type ReadEvent } from './event-items';

export const EVENT_BATCH_LIMIT = 10_000;
const DEADLOCK_ATTEMPTS = 3;

function lookupOf(events: ReadEvent[]): DeliverabilityLookup {
  const values: Record<EventContactKey['kind'], Set<string>> = {
    contactKey: new Set(),
    email: new Set(),
    mobile: new Set(),
  };
  for (const { key } of events) values[key.kind].add(key.value);
  return { keys: [...values.contactKey], emails: [...values.email], mobiles: [...values.mobile] };
}

const describeKey = (key: EventContactKey) =>
  key.kind === 'contactKey' ? `"${key.value}"` : `${key.kind} "${key.value}"`;

/**
 * Takes events from sending systems (SPEC §6). A batch runs in one transaction (`applyEvents`) for the contacts
 * no other transaction holds, and in a second one, which waits, for those held elsewhere and the contacts
 * sharing events with them: concurrent batches only wait for the contacts they share.
 */
@Injectable()
export class DeliverabilityEventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly forgetter = new HousekeepingTask('Forgetting old event ids', () => this.forgetOldEventIds());

  constructor(
    private readonly db: DataSource,
    private readonly events: DeliverabilityEventsRepository,
    private readonly contacts: ContactBatchesService,
    @Inject(CARNET_CONFIG) private readonly config: CarnetConfig,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a backlog of old ids (a first deployment, a long stop) must not hold up the start.
    void this.forgetter.run();
  }

  @Interval(3600_000)
  forgetOldEventIdsHourly(): Promise<void> {
    return this.forgetter.run();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.forgetter.idle();
  }

  /**
   * Forgets event ids older than the retention: a replay that late is taken as a new event, which the rules
   * still ignore when it is older than what is known.
   */
  forgetOldEventIds(): Promise<number> {
    const before = new Date(Date.now() - this.config.eventIdRetentionDays * 86_400_000);
    return this.events.forgetBefore(this.db.manager, before);
  }

  /**
   * Runs a batch's transaction, again when PostgreSQL broke a deadlock with another batch: batches lock the
   * contacts they name in the order of their keys, which two batches naming contacts differently can cross.
   */
  private async inTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(work);
      } catch (error) {
        const deadlock = error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '40P01';
        if (!deadlock || attempt >= DEADLOCK_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * One transaction of a batch: locks the contacts the events name, takes the event ids (a replay finds them
   * taken), applies the events oldest first and saves what changed. With `skip-busy`, it leaves out the
   * contacts another transaction holds and returns the events touching them as `later`.
   */
  private async applyEvents(
    em: EntityManager,
    account: AccountContext,
    events: ReadEvent[],
    locking: 'skip-busy' | 'wait',
  ): Promise<{ applied: number; unknown: EventErrorDto[]; later: ReadEvent[] }> {
    const { contacts, idsOf, busy } = await this.contacts.lockDeliverability(em, account.id, lookupOf(events), locking);
    const unknown: EventErrorDto[] = [];
    const located: (ReadEvent & LocatedEvent & { busy: boolean })[] = [];
    for (const event of events) {
      const key = lookupKey(event.key.kind, event.key.value);
      const contactIds = idsOf.get(key) ?? [];
      const isBusy = busy.has(key);
      if (contactIds.length > 0 || isBusy) located.push({ ...event, contactIds, busy: isBusy });
      else {
        unknown.push({
          index: event.index,
          eventId: event.eventId,
          code: 'ContactNotFound',
          message: `No contact ${describeKey(event.key)} in this account`,
        });
      }
    }
    const { now, later } = holdBack(located, (e) => e.busy);
    const taken = await this.events.claim(
      em,
      account.id,
      now.map((e) => e.eventId),
    );
    const fresh = now.filter((e) => taken.has(e.eventId));
    const states = new Map<number, ContactDeliverability>(contacts.map((c) => [c.id, c]));
    const outcome = applyEventBatch(states, fresh, { softBounceLimit: account.softBounceLimit });
    await this.contacts.saveDeliverability(em, account.id, outcome.contacts, outcome.changes);
    return { applied: outcome.applied.length, unknown, later };
  }

  async ingest(account: AccountContext, items: unknown): Promise<EventBatchResultDto> {
    if (!Array.isArray(items)) throw new BadRequest('InvalidEventBatch', 'Send the events as an array in "events"');
    if (items.length === 0) throw new BadRequest('EmptyEventBatch', 'Send at least one event in "events"');
    if (items.length > EVENT_BATCH_LIMIT) {
      throw new PayloadTooLarge(
        `At most ${EVENT_BATCH_LIMIT} events per batch; this one has ${items.length}. Split it.`,
      );
    }
    const reading = readEventItems(items, account, new Date());
    if (reading.refusals.length > 0) {
      throw new BadRequest(
        'UnknownEventKind',
        reading.refusals
          .slice(0, 10)
          .map((r) => r.message)
          .join('; ') + (reading.refusals.length > 10 ? `; and ${reading.refusals.length - 10} more` : ''),
        reading.refusals,
      );
    }
    const invalid: EventErrorDto[] = reading.problems.map((p) => ({ ...p, code: 'InvalidEvent' }));
    // An id seen earlier in the batch is a replay: only its first event can apply.
    const ids = new Set<string>();
    const events = reading.events.filter((e) => !ids.has(e.eventId) && ids.add(e.eventId));
    // Contacts another batch holds are left to a second transaction, which waits for them: concurrent batches
    // then only wait for the contacts they share, not for each other.
    const first = await this.inTransaction((em) => this.applyEvents(em, account, events, 'skip-busy'));
    const second =
      first.later.length > 0
        ? await this.inTransaction((em) => this.applyEvents(em, account, first.later, 'wait'))
        : undefined;
    const applied = first.applied + (second?.applied ?? 0);
    const unknown = [...first.unknown, ...(second?.unknown ?? [])];
    const ignored = reading.events.length - applied - unknown.length;
    const errors = [...invalid, ...unknown].sort((a, b) => a.index - b.index);
    return { received: items.length, applied, ignored, unknown: unknown.length, failed: invalid.length, errors };
  }
}
