import { readEventItems } from './event-items';

const now = new Date('2026-11-23T12:00:00Z');
const byEmail = { uniquenessKey: 'email' as const, defaultCountry: 'FR' };
const byMobile = { uniquenessKey: 'mobile' as const, defaultCountry: 'FR' };
const at = '2026-11-20T08:00:00Z';

describe('readEventItems', () => {
  it('reads keys as the base stores them and types as senders spell them', () => {
    const reading = readEventItems(
      [
        { eventId: 'a', contactKey: ' Ann@Example.FR ', channel: 'email', type: 'Delivered', at },
        {
          eventId: 'b',
          mobile: '06 12 34 56 78',
          channel: 'sms',
          type: 'unknown_number',
          at,
          detail: ' no such number ',
        },
        { eventId: 7, email: 'BOB@example.fr', channel: 'email', type: 'hard', at: Date.parse(at) },
      ],
      byEmail,
      now,
    );
    expect(reading.problems).toEqual([]);
    expect(reading.refusals).toEqual([]);
    expect(reading.events).toEqual([
      {
        index: 0,
        eventId: 'a',
        key: { kind: 'contactKey', value: 'ann@example.fr' },
        event: { channel: 'email', type: 'delivered', detail: null, at: new Date(at) },
      },
      {
        index: 1,
        eventId: 'b',
        key: { kind: 'mobile', value: '+33612345678' },
        event: { channel: 'sms', type: 'unknownnumber', detail: 'no such number', at: new Date(at) },
      },
      {
        index: 2,
        eventId: '7',
        key: { kind: 'email', value: 'bob@example.fr' },
        event: { channel: 'email', type: 'hard', detail: null, at: new Date(at) },
      },
    ]);
  });

  it('reads contactKey with the account uniqueness key', () => {
    const reading = readEventItems(
      [{ eventId: 'a', contactKey: '612345678', channel: 'sms', type: 'delivered', at }],
      byMobile,
      now,
    );
    expect(reading.events[0].key).toEqual({ kind: 'contactKey', value: '+33612345678' });
  });

  it('reports items it cannot apply, one by one', () => {
    const reading = readEventItems(
      [
        { eventId: 'a', channel: 'email', type: 'open', at },
        { contactKey: 'a@example.fr', channel: 'email', type: 'open', at },
        { eventId: 'c', contactKey: 'not an email', channel: 'email', type: 'open', at },
        { eventId: 'd', email: 'd@example.fr', channel: 'email', type: 'open', at: 'yesterday' },
        { eventId: 'e', email: 'e@example.fr', channel: 'email', type: 'open', at: '2026-12-01T00:00:00Z' },
        'not an event',
      ],
      byEmail,
      now,
    );
    expect(reading.events).toEqual([]);
    expect(reading.problems).toEqual([
      { index: 0, eventId: 'a', message: 'no contact: give contactKey, email or mobile' },
      { index: 1, eventId: null, message: 'eventId is required: it makes a replayed batch harmless' },
      {
        index: 2,
        eventId: 'c',
        message: expect.stringContaining('contactKey "not an email" is not a valid email address'),
      },
      { index: 3, eventId: 'd', message: expect.stringContaining('at must be the time of the event') },
      {
        index: 4,
        eventId: 'e',
        message: 'at "2026-12-01T00:00:00Z" is in the future; send the time the event happened',
      },
      { index: 5, eventId: null, message: 'events[5] is not an object' },
    ]);
  });

  it('refuses unknown channels and types, naming them', () => {
    const reading = readEventItems(
      [
        { eventId: 'a', email: 'a@example.fr', channel: 'fax', type: 'delivered', at },
        { eventId: 'b', email: 'b@example.fr', channel: 'email', type: 'bounce', at },
        { eventId: 'c', email: 'c@example.fr', channel: 'sms', type: 'open', at },
        { eventId: 'd', email: 'd@example.fr', type: 'open', at },
      ],
      byEmail,
      now,
    );
    expect(reading.refusals.map((r) => r.message)).toEqual([
      'events[0].channel "fax" is not a channel: use "email" or "sms"',
      'events[1].type "bounce" is not an email event type: use delivered, open, click, soft, hard, absent, rejected, unsubscribed, complaint',
      'events[2].type "open" is not an sms event type: use delivered, error, unknownnumber, badformat, unsubscribed',
      'events[3].channel is missing: use "email" or "sms"',
    ]);
  });
});
