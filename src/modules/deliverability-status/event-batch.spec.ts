import { applyEventBatch, type ContactDeliverability, describeEvent, holdBack, type LocatedEvent } from './event-batch';
import type { DeliverabilityEvent } from './event-rules';

const day = (n: number): Date => new Date(Date.UTC(2026, 0, n, 12));
const channel = {
  optIn: 'yes' as const,
  unsubscriptionDate: null,
  unsubscriptionReason: null,
  status: 'unknown',
  statusDate: null,
  statusDetail: null,
  softCount: 0,
};
const contact = (id: number): ContactDeliverability => ({
  id,
  email: { ...channel },
  sms: { ...channel },
  lastEngagedAt: null,
});
const settings = { softBounceLimit: 5 };

let index = 0;
const located = (contactIds: number[], event: DeliverabilityEvent): LocatedEvent => ({
  index: index++,
  contactIds,
  event,
});
const email = (type: DeliverabilityEvent['type'], at: Date, detail?: string) =>
  ({ channel: 'email', type, at, detail }) as DeliverabilityEvent;

beforeEach(() => {
  index = 0;
});

describe('applyEventBatch', () => {
  it('applies events oldest first, whatever order they arrive in', () => {
    const contacts = new Map([[1, contact(1)]]);
    const outcome = applyEventBatch(
      contacts,
      [located([1], email('delivered', day(3))), located([1], email('hard', day(2), '550 5.1.1 user unknown'))],
      settings,
    );
    // The hard bounce (day 2) came first; the delivery of day 3 cannot revive a hard address.
    expect(outcome.contacts).toHaveLength(1);
    expect(outcome.contacts[0].contact.email).toMatchObject({ status: 'badalias', statusDate: day(2) });
    expect(outcome.applied).toEqual([1]);
    expect(outcome.ignored).toEqual([0]);
    expect(contacts.get(1)!.email.status).toBe('unknown');
  });

  it('applies events of the same time in the order sent, whatever order the list holds them in', () => {
    const soft = located([1], email('soft', day(2), '452 4.2.2 mailbox full'));
    const delivered = located([1], email('delivered', day(2)));
    for (const events of [
      [soft, delivered],
      [delivered, soft],
    ]) {
      const outcome = applyEventBatch(new Map([[1, contact(1)]]), events, settings);
      expect(outcome.contacts[0].contact.email).toMatchObject({ status: 'valid', softCount: 0 });
    }
  });

  it('counts soft bounces in a row across one batch and sets the address aside at the limit', () => {
    const events = [1, 2, 3, 4, 5].map((n) => located([1], email('soft', day(n), '452 4.2.2 mailbox full')));
    const outcome = applyEventBatch(new Map([[1, contact(1)]]), events, settings);
    expect(outcome.contacts[0].contact.email).toMatchObject({ status: 'rejected', softCount: 5 });
    expect(outcome.changes.at(-1)!.title).toBe(
      'Email soft bounce: 452 4.2.2 mailbox full (5 soft bounces in a row (limit 5))',
    );
  });

  it('applies an event to every contact holding the address', () => {
    const outcome = applyEventBatch(
      new Map([
        [1, contact(1)],
        [2, contact(2)],
      ]),
      [located([1, 2], email('open', day(4)))],
      settings,
    );
    expect(outcome.contacts.map((c) => [c.contact.id, c.contact.lastEngagedAt, c.modified])).toEqual([
      [1, day(4), false],
      [2, day(4), false],
    ]);
    expect(outcome.changes.map((c) => [c.contactId, c.fields])).toEqual([
      [1, ['emailstatus', 'emailstatusdate', 'activity']],
      [2, ['emailstatus', 'emailstatusdate', 'activity']],
    ]);
  });

  it('counts only consent changes as modifications of the contact', () => {
    const outcome = applyEventBatch(
      new Map([[1, contact(1)]]),
      [located([1], email('hard', day(2))), located([1], email('complaint', day(3)))],
      settings,
    );
    expect(outcome.contacts[0].modified).toBe(true);
    expect(outcome.contacts[0].contact.email).toMatchObject({ status: 'rejected', optIn: 'no' });
  });

  it('does not count a change of activity alone as a modification', () => {
    const engaged = { ...contact(1), email: { ...channel, status: 'valid', statusDate: day(1) } };
    const outcome = applyEventBatch(new Map([[1, engaged]]), [located([1], email('click', day(5)))], settings);
    expect(outcome.contacts).toEqual([
      { before: engaged, contact: { ...engaged, lastEngagedAt: day(5) }, modified: false },
    ]);
    expect(engaged.lastEngagedAt).toBeNull();
    expect(outcome.changes[0].fields).toEqual(['activity']);
  });

  it('keeps the SMS channel apart from the email one', () => {
    const outcome = applyEventBatch(
      new Map([[1, contact(1)]]),
      [located([1], { channel: 'sms', type: 'unknownnumber', at: day(2) })],
      settings,
    );
    expect(outcome.contacts[0].contact.sms.status).toBe('badnumber');
    expect(outcome.contacts[0].contact.email.status).toBe('unknown');
    expect(outcome.changes[0].title).toBe('SMS unknown number');
  });

  it('reports an event naming no loaded contact as ignored', () => {
    const outcome = applyEventBatch(new Map(), [located([9], email('delivered', day(1)))], settings);
    expect(outcome).toEqual({ applied: [], ignored: [0], contacts: [], changes: [] });
  });
});

describe('describeEvent', () => {
  it('names the event, the reply and how it was read', () => {
    expect(describeEvent(email('hard', day(1), ' 550 5.1.2 host not found '))).toBe(
      'Email hard bounce: 550 5.1.2 host not found',
    );
    expect(describeEvent(email('unsubscribed', day(1)), 'already unsubscribed')).toBe(
      'Email unsubscribed (already unsubscribed)',
    );
  });
});

describe('holdBack', () => {
  const event = (name: string, contactIds: number[], busy = false) => ({ name, contactIds, busy });
  const names = (events: { name: string }[]) => events.map((e) => e.name);

  it('keeps every event for now when nothing is busy', () => {
    const events = [event('a', [1]), event('b', [2])];
    const split = holdBack(events, (e) => e.busy);
    expect(names(split.now)).toEqual(['a', 'b']);
    expect(split.later).toEqual([]);
  });

  it('holds back busy events and, transitively, every event sharing a contact with them, in batch order', () => {
    const split = holdBack(
      [
        event('free', [1]),
        // Shares contact 3 with the busy event below, and contact 4 with the last one.
        event('linked', [3, 4]),
        event('busy', [2, 3], true),
        event('free too', [5]),
        event('linked through linked', [4]),
        event('busy, no contact locked', [], true),
      ],
      (e) => e.busy,
    );
    expect(names(split.now)).toEqual(['free', 'free too']);
    expect(names(split.later)).toEqual(['linked', 'busy', 'linked through linked', 'busy, no contact locked']);
  });
});
