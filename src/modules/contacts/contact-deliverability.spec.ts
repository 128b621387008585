import { changedDeliverabilityColumns, readDeliverability } from './contact-deliverability';

const stored = {
  id: '42',
  email_optin: 'yes',
  email_unsubscription_date: null,
  email_unsubscription_reason: null,
  email_status: 'soft',
  email_status_date: new Date('2026-10-01T09:00:00Z'),
  email_status_detail: '452 4.2.2 mailbox full',
  email_soft_count: 2,
  mobile_optin: null,
  mobile_unsubscription_date: null,
  mobile_unsubscription_reason: null,
  mobile_status: null,
  mobile_status_date: null,
  mobile_status_detail: null,
  mobile_soft_count: null,
  last_engaged_at: new Date('2026-09-01T09:00:00Z'),
};

describe('readDeliverability', () => {
  it('reads both channels from their columns, an unknown status and no soft bounce when none is stored', () => {
    const read = readDeliverability(stored);
    expect(read).toMatchObject({ id: 42, lastEngagedAt: new Date('2026-09-01T09:00:00Z') });
    expect(read.email).toEqual({
      optIn: 'yes',
      unsubscriptionDate: null,
      unsubscriptionReason: null,
      status: 'soft',
      statusDate: new Date('2026-10-01T09:00:00Z'),
      statusDetail: '452 4.2.2 mailbox full',
      softCount: 2,
    });
    // Nothing stored for SMS: every field null but these two.
    const nothing = Object.fromEntries(Object.keys(read.email).map((field) => [field, null]));
    expect(read.sms).toEqual({ ...nothing, status: 'unknown', softCount: 0 });
  });
});

describe('changedDeliverabilityColumns', () => {
  const before = readDeliverability(stored);

  it('names only the columns whose value moved, dates compared by instant, and keeps the values given', () => {
    const after = {
      ...before,
      email: {
        ...before.email,
        status: 'valid',
        // The same instant in another Date object: not a change.
        statusDate: new Date('2026-10-01T09:00:00Z'),
        softCount: 0,
      },
      sms: { ...before.sms, optIn: 'no' as const, unsubscriptionDate: new Date('2026-10-02T10:00:00Z') },
      lastEngagedAt: new Date('2026-10-03T11:00:00Z'),
    };
    expect(changedDeliverabilityColumns(before, after, { id: 42, modified: true })).toEqual({
      id: 42,
      modified: true,
      email_status: 'valid',
      email_soft_count: 0,
      mobile_optin: 'no',
      mobile_unsubscription_date: new Date('2026-10-02T10:00:00Z'),
      last_engaged_at: new Date('2026-10-03T11:00:00Z'),
    });
  });

  it('names no column when nothing moved', () => {
    expect(changedDeliverabilityColumns(before, readDeliverability(stored), { id: 42 })).toEqual({ id: 42 });
  });
});
