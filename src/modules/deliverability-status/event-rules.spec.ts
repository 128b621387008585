import {
  applyEvent,
  type ChannelState,
  classifyHardBounce,
  classifyReply,
  type DeliverabilityEvent,
  type EmailEventType,
  type EventResult,
  readEventType,
  type SmsEventType,
} from './event-rules';

const day = (n: number): Date => new Date(Date.UTC(2024, 0, n, 12));

const state = (overrides: Partial<ChannelState> = {}): ChannelState =>
  Object.freeze({
    optIn: 'yes',
    unsubscriptionDate: null,
    unsubscriptionReason: null,
    status: 'unknown',
    statusDate: null,
    statusDetail: null,
    softCount: 0,
    lastEngagedAt: null,
    ...overrides,
  });

const email = (type: EmailEventType, at: Date, detail?: string): DeliverabilityEvent => ({
  channel: 'email',
  type,
  at,
  detail,
});
const sms = (type: SmsEventType, at: Date, detail?: string): DeliverabilityEvent => ({
  channel: 'sms',
  type,
  at,
  detail,
});

const limit = { softBounceLimit: 5 };

/** Applies events in order, checking each was applied. */
const run = (start: ChannelState, events: DeliverabilityEvent[]): ChannelState =>
  events.reduce((current, event) => {
    const result = applyEvent(current, event, limit);
    expect(result).toMatchObject({ outcome: 'applied' });
    return result.state;
  }, start);

const softs = (from: number, count: number): DeliverabilityEvent[] =>
  Array.from({ length: count }, (_, i) => email('soft', day(from + i), '452 4.2.2 Mailbox full'));

const expectIgnored = (result: EventResult, before: ChannelState, reason: string): void => {
  expect(result).toEqual({ state: before, outcome: 'ignored', reason, changes: [] });
  expect(result.state).not.toBe(before);
};

describe('readEventType', () => {
  it.each([
    ['email', 'delivered', 'delivered'],
    ['email', ' Open ', 'open'],
    ['email', 'CLICK', 'click'],
    ['email', 'complaint', 'complaint'],
    ['sms', 'unknownnumber', 'unknownnumber'],
    ['sms', 'unknown_number', 'unknownnumber'],
    ['sms', 'Unknown Number', 'unknownnumber'],
    ['sms', 'badformat', 'badformat'],
    ['sms', 'bad_format', 'badformat'],
    ['sms', 'bad format', 'badformat'],
    ['sms', 'unsubscribed', 'unsubscribed'],
  ] as const)('reads %s %j as %s', (channel, raw, expected) => {
    expect(readEventType(channel, raw)).toBe(expected);
  });

  it.each([
    ['email', 'bounce'],
    ['email', 'error'],
    ['email', 'unknown_number'],
    ['email', ''],
    ['sms', 'open'],
    ['sms', 'soft'],
    ['sms', 'complaint'],
  ] as const)('does not know %s %j', (channel, raw) => {
    expect(readEventType(channel, raw)).toBeUndefined();
  });
});

describe('classifyHardBounce', () => {
  it.each([
    ['550 5.1.1 <jean@exemple.fr>: Recipient address rejected: User unknown', 'badalias'],
    ['5.1.1', 'badalias'],
    ['550 Requested action not taken: mailbox unavailable', 'badalias'],
    ['550 No such user here', 'badalias'],
    ['The email account that you tried to reach does not exist', 'badalias'],
    ['550 5.1.2 Bad destination system address', 'baddomain'],
    ['Domain not found', 'baddomain'],
    ['Host or domain name not found. Name service error for name=exemple.fr', 'baddomain'],
    ['DNS lookup returned NXDOMAIN', 'baddomain'],
    ['No MX record for exemple.fr', 'baddomain'],
    ['550 domain does not exist', 'baddomain'],
    ['554 5.4.4 Unable to route', 'baddomain'],
    ['553 5.1.3 The recipient address is not a valid RFC-5321 address', 'badsyntax'],
    ['Bad address syntax', 'badsyntax'],
    ['501 Invalid address', 'badsyntax'],
    ['554 5.7.1 Message refused by policy', 'rejected'],
    ['550 Rejected: connection from 10.5.1.1 refused', 'rejected'],
    ['spam detected', 'rejected'],
    ['', 'rejected'],
    [null, 'rejected'],
    [undefined, 'rejected'],
  ])('reads %j as %s', (detail, expected) => {
    expect(classifyHardBounce(detail)).toBe(expected);
  });

  it('trusts the enhanced code over the wording', () => {
    expect(classifyHardBounce('550 5.1.1 domain not found')).toBe('badalias');
  });
});

describe('classifyReply', () => {
  it.each([
    ['452 4.2.2 Mailbox full', 'soft'],
    ['421 4.7.0 Try again later', 'soft'],
    ['Out of Office: back on Monday', 'absent'],
    ['Réponse automatique : absent du bureau', 'absent'],
    ['Je suis en vacances jusqu’au 3 août', 'absent'],
    ['Automatic reply: Newsletter', 'absent'],
    ['Auto-Reply', 'absent'],
    ['autoreply', 'absent'],
    ['550 5.1.1 User unknown', undefined],
    ['550 5.1.1 user absent', undefined],
    ['spam detected', undefined],
    ['', undefined],
    [null, undefined],
  ])('reads %j as %s', (detail, expected) => {
    expect(classifyReply(detail)).toBe(expected);
  });
});

describe('applyEvent on email', () => {
  it('moves valid → absent → valid and keeps the last reply detail (seed 002)', () => {
    const valid = applyEvent(state(), email('delivered', day(1)), limit);
    expect(valid).toEqual({
      state: state({ status: 'valid', statusDate: day(1) }),
      outcome: 'applied',
      changes: ['emailstatus', 'emailstatusdate'],
    });

    const absent = applyEvent(valid.state, email('absent', day(2), 'Out of office until Monday'), limit);
    expect(absent.state).toMatchObject({
      status: 'absent',
      statusDate: day(2),
      statusDetail: 'Out of office until Monday',
    });
    expect(absent.changes).toEqual(['emailstatus', 'emailstatusdate', 'emailstatusdetail']);

    const back = applyEvent(absent.state, email('delivered', day(3)), limit);
    expect(back.state).toMatchObject({
      status: 'valid',
      statusDate: day(3),
      statusDetail: 'Out of office until Monday',
    });
    expect(back.changes).toEqual(['emailstatus', 'emailstatusdate']);
  });

  it('records the detail of a delivery when given', () => {
    const result = applyEvent(state({ status: 'valid', statusDate: day(1) }), email('delivered', day(2), ' 250 OK '));
    expect(result.state).toMatchObject({ statusDetail: '250 OK', statusDate: day(2) });
    expect(result.changes).toEqual(['emailstatusdate', 'emailstatusdetail']);
  });

  it('counts soft bounces and makes the address rejected at the fifth in a row', () => {
    const afterFour = run(state({ status: 'valid', statusDate: day(1) }), softs(2, 4));
    expect(afterFour).toMatchObject({ status: 'soft', softCount: 4, statusDetail: '452 4.2.2 Mailbox full' });

    const fifth = applyEvent(afterFour, email('soft', day(6), '452 4.2.2 Mailbox full'), limit);
    expect(fifth).toEqual({
      state: { ...afterFour, status: 'rejected', statusDate: day(6), softCount: 5 },
      outcome: 'applied',
      reason: '5 soft bounces in a row (limit 5)',
      changes: ['emailstatus', 'emailstatusdate'],
    });
  });

  it('starts the soft count again after a delivery in between', () => {
    const interrupted = run(state({ status: 'valid' }), [...softs(1, 4), email('delivered', day(5)), ...softs(6, 4)]);
    expect(interrupted).toMatchObject({ status: 'soft', softCount: 4 });
    expect(applyEvent(interrupted, email('soft', day(10)), limit).state).toMatchObject({
      status: 'rejected',
      softCount: 5,
    });
  });

  it('starts the soft count again after an open or an auto-reply', () => {
    const opened = run(state(), [...softs(1, 4), email('open', day(5)), ...softs(6, 4)]);
    expect(opened).toMatchObject({ status: 'soft', softCount: 4 });
    const absent = run(state(), [...softs(1, 4), email('absent', day(5)), ...softs(6, 4)]);
    expect(absent).toMatchObject({ status: 'soft', softCount: 4 });
  });

  it('follows the account soft bounce limit, 5 by default', () => {
    const settings = { softBounceLimit: 2 };
    const first = applyEvent(state(), email('soft', day(1)), settings);
    expect(applyEvent(first.state, email('soft', day(2)), settings).state.status).toBe('rejected');
    expect(applyEvent(state({ softCount: 4 }), email('soft', day(1))).state.status).toBe('rejected');
    expect(applyEvent(state({ softCount: 3 }), email('soft', day(1))).state.status).toBe('soft');
  });

  it('keeps the soft count when the server rejects the message', () => {
    const result = applyEvent(state({ status: 'soft', softCount: 2 }), email('rejected', day(1), 'spam detected'));
    expect(result.state).toMatchObject({ status: 'rejected', softCount: 2, statusDetail: 'spam detected' });
  });

  it.each([
    ['550 5.1.1 User unknown', 'badalias'],
    ['550 5.1.2 Bad destination system address', 'baddomain'],
    ['Domain not found', 'baddomain'],
    ['553 5.1.3 Bad address syntax', 'badsyntax'],
    ['554 5.7.1 Message refused', 'rejected'],
    [undefined, 'rejected'],
  ])('reads a hard bounce %j as %s', (detail, expected) => {
    const result = applyEvent(state({ status: 'valid', statusDate: day(1) }), email('hard', day(2), detail));
    expect(result).toMatchObject({ outcome: 'applied', state: { status: expected, statusDate: day(2) } });
    expect(result.changes).toEqual(
      detail ? ['emailstatus', 'emailstatusdate', 'emailstatusdetail'] : ['emailstatus', 'emailstatusdate'],
    );
  });

  it('treats a hard bounce with a 4.x.x code as a soft one', () => {
    const result = applyEvent(
      state({ status: 'valid', softCount: 1 }),
      email('hard', day(1), '452 4.2.2 Mailbox full'),
    );
    expect(result).toMatchObject({
      outcome: 'applied',
      reason: 'hard reply has a temporary (4.x.x) code',
      state: { status: 'soft', softCount: 2, statusDetail: '452 4.2.2 Mailbox full' },
    });
  });

  it.each(['hard', 'soft'] as const)('treats a %s bounce that is an auto-reply as absent', (type) => {
    const result = applyEvent(state({ status: 'soft', softCount: 3 }), email(type, day(1), 'Réponse automatique'));
    expect(result).toMatchObject({
      outcome: 'applied',
      reason: `${type} reply is an auto-reply`,
      state: { status: 'absent', softCount: 0 },
    });
  });

  it('ignores a status event older than the current status', () => {
    const before = state({ status: 'soft', statusDate: day(5), softCount: 1 });
    expectIgnored(applyEvent(before, email('delivered', day(4)), limit), before, 'older than the current status');
    expectIgnored(applyEvent(before, email('hard', day(4), '5.1.1')), before, 'older than the current status');
    expect(applyEvent(before, email('delivered', day(5))).state.status).toBe('valid');
  });

  it('applies a newer event then ignores the older one that arrives late', () => {
    const newer = applyEvent(state(), email('delivered', day(10)), limit).state;
    const late = applyEvent(newer, email('soft', day(9)), limit);
    expect(late.outcome).toBe('ignored');
    expect(late.state).toMatchObject({ status: 'valid', softCount: 0, statusDate: day(10) });
  });

  it.each([
    ['delivered', undefined],
    ['soft', '452 4.2.2 Mailbox full'],
    ['absent', 'Out of office'],
    ['rejected', 'spam'],
    ['hard', '554 5.7.1 refused'],
    ['hard', '452 4.2.2 Mailbox full'],
  ] as const)('never revives a hard status with %s %j', (type, detail) => {
    const before = state({ status: 'badalias', statusDate: day(1), statusDetail: '550 5.1.1 User unknown' });
    expectIgnored(applyEvent(before, email(type, day(2), detail), limit), before, 'hard status is kept');
  });

  it('lets a hard status be replaced by another hard status', () => {
    const before = state({ status: 'badalias', statusDate: day(1) });
    expect(applyEvent(before, email('hard', day(2), '5.1.2')).state.status).toBe('baddomain');
  });

  it('moves the last activity forward on opens and clicks, ignoring older ones', () => {
    const opened = applyEvent(state({ status: 'valid', statusDate: day(1) }), email('open', day(3)), limit);
    expect(opened).toEqual({
      state: state({ status: 'valid', statusDate: day(1), lastEngagedAt: day(3) }),
      outcome: 'applied',
      changes: ['activity'],
    });
    expectIgnored(
      applyEvent(opened.state, email('click', day(2)), limit),
      opened.state,
      'older than the last activity',
    );
    expect(applyEvent(opened.state, email('click', day(4)), limit).state.lastEngagedAt).toEqual(day(4));
  });

  it('takes an open or a click as proof that the address works, unless hard', () => {
    const soft = state({ status: 'soft', statusDate: day(1), softCount: 3 });
    const clicked = applyEvent(soft, email('click', day(2), 'https://exemple.fr'), limit);
    expect(clicked.state).toEqual({
      ...soft,
      status: 'valid',
      statusDate: day(2),
      softCount: 0,
      lastEngagedAt: day(2),
    });
    expect(clicked.changes).toEqual(['emailstatus', 'emailstatusdate', 'activity']);

    const hard = state({ status: 'baddomain', statusDate: day(1) });
    const opened = applyEvent(hard, email('open', day(2)), limit);
    expect(opened).toMatchObject({ outcome: 'applied', changes: ['activity'], state: { status: 'baddomain' } });
  });

  it('moves only the activity for an open older than the current status', () => {
    const soft = state({ status: 'soft', statusDate: day(5), softCount: 1, lastEngagedAt: day(1) });
    const result = applyEvent(soft, email('open', day(3)), limit);
    expect(result.state).toEqual({ ...soft, lastEngagedAt: day(3) });
  });

  it('unsubscribes with the date and reason', () => {
    const result = applyEvent(state({ status: 'valid' }), email('unsubscribed', day(2)), limit);
    expect(result).toEqual({
      state: state({ status: 'valid', optIn: 'no', unsubscriptionDate: day(2), unsubscriptionReason: 'unsubscribed' }),
      outcome: 'applied',
      changes: ['emailoptin', 'emailunsubscriptiondate', 'emailunsubscriptionreason'],
    });
    const withDetail = applyEvent(state({ optIn: null }), email('unsubscribed', day(2), 'lien de désabonnement'));
    expect(withDetail.state).toMatchObject({ optIn: 'no', unsubscriptionReason: 'lien de désabonnement' });
  });

  it('unsubscribes on a complaint', () => {
    expect(applyEvent(state(), email('complaint', day(1))).state).toMatchObject({
      optIn: 'no',
      unsubscriptionReason: 'complaint',
    });
    expect(applyEvent(state(), email('complaint', day(1), 'FBL abuse report')).state).toMatchObject({
      optIn: 'no',
      unsubscriptionReason: 'complaint: FBL abuse report',
    });
  });

  it('keeps opt-in no when a later delivery arrives', () => {
    const unsubscribed = run(state({ status: 'soft', statusDate: day(1) }), [
      email('unsubscribed', day(2)),
      email('delivered', day(3)),
      email('open', day(4)),
    ]);
    expect(unsubscribed).toMatchObject({ optIn: 'no', status: 'valid', unsubscriptionDate: day(2) });
  });

  it.each(['no', 'blocklist', 'orange'] as const)('leaves an opt-in already %s alone', (optIn) => {
    const before = state({ optIn, unsubscriptionDate: day(1), unsubscriptionReason: 'import' });
    expectIgnored(applyEvent(before, email('unsubscribed', day(2)), limit), before, 'already unsubscribed');
    expectIgnored(applyEvent(before, email('complaint', day(2)), limit), before, 'already unsubscribed');
  });

  it('ignores an unsubscribe older than the current unsubscription date', () => {
    const resubscribed = state({ optIn: 'yes', unsubscriptionDate: day(5), unsubscriptionReason: 'unsubscribed' });
    expectIgnored(
      applyEvent(resubscribed, email('unsubscribed', day(4)), limit),
      resubscribed,
      'older than the current unsubscription',
    );
  });

  it('ignores events with an invalid date or an unknown type', () => {
    const before = state();
    expectIgnored(applyEvent(before, email('delivered', new Date('nope')), limit), before, 'invalid event date');
    const unknown = { channel: 'email', type: 'error', at: day(1) } as unknown as DeliverabilityEvent;
    expectIgnored(applyEvent(before, unknown, limit), before, 'unknown event type');
  });

  it('never modifies the given state', () => {
    const before = state({ status: 'valid', statusDate: day(1) });
    const snapshot = { ...before };
    applyEvent(before, email('hard', day(2), '5.1.1'), limit);
    applyEvent(before, email('unsubscribed', day(2)), limit);
    expect(before).toEqual(snapshot);
  });
});

describe('applyEvent on sms', () => {
  it.each([
    ['delivered', 'valid'],
    ['error', 'error'],
    ['unknownnumber', 'badnumber'],
    ['badformat', 'badformat'],
  ] as const)('moves %s to %s', (type, status) => {
    const result = applyEvent(state({ status: 'valid', statusDate: day(1) }), sms(type, day(2), 'operator reply'));
    expect(result.state).toMatchObject({ status, statusDate: day(2), statusDetail: 'operator reply' });
    expect(result.changes).toEqual(
      status === 'valid'
        ? ['mobilestatusdate', 'mobilestatusdetail']
        : ['mobilestatus', 'mobilestatusdate', 'mobilestatusdetail'],
    );
  });

  it('keeps a bad number and ignores older events', () => {
    const bad = applyEvent(state({ status: 'valid' }), sms('unknownnumber', day(2)), limit).state;
    expect(bad.status).toBe('badnumber');
    expectIgnored(applyEvent(bad, sms('delivered', day(3)), limit), bad, 'hard status is kept');
    expectIgnored(applyEvent(bad, sms('error', day(3)), limit), bad, 'hard status is kept');
    expectIgnored(applyEvent(bad, sms('badformat', day(1)), limit), bad, 'older than the current status');
    expect(applyEvent(bad, sms('badformat', day(3)), limit).state.status).toBe('badformat');
  });

  it('unsubscribes the mobile on STOP', () => {
    const result = applyEvent(state({ status: 'valid' }), sms('unsubscribed', day(1), 'STOP'), limit);
    expect(result).toEqual({
      state: state({ status: 'valid', optIn: 'no', unsubscriptionDate: day(1), unsubscriptionReason: 'STOP' }),
      outcome: 'applied',
      changes: ['mobileoptin', 'mobileunsubscriptiondate', 'mobileunsubscriptionreason'],
    });
    expectIgnored(applyEvent(result.state, sms('unsubscribed', day(2)), limit), result.state, 'already unsubscribed');
  });
});
