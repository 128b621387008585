import { applyConsentRules } from './contact-consent';

const now = new Date('2026-01-01T00:00:00Z');

describe('applyConsentRules', () => {
  it('subscribes a new contact that has an address and no stated opt-in', () => {
    const { columns } = applyConsentRules({}, { email: 'a@b.fr' }, { force: false, isNew: true, now });
    expect(columns).toEqual({ email: 'a@b.fr', email_optin: 'yes', mobile_optin: null });
  });

  it('brings a suppressed address back unsubscribed and hard, even when the write says yes', () => {
    const suppressed = { email_optin: 'no', email_unsubscription_reason: 'unsubscribed', email_status: 'badalias' };
    const { columns, refusals } = applyConsentRules(
      suppressed,
      { email: 'a@b.fr', email_optin: 'yes', email_status: 'valid' },
      { force: false, isNew: true, now },
    );
    expect(columns).toMatchObject({
      email_optin: 'no',
      email_unsubscription_reason: 'unsubscribed',
      email_status: 'badalias',
      email_status_date: now,
    });
    expect(refusals).toHaveLength(2);
  });

  it('refuses a resubscription unless forced, and dates an unsubscription', () => {
    const current = { email_optin: 'no' };
    expect(applyConsentRules(current, { email_optin: 'yes' }, { force: false, isNew: false, now }).columns).toEqual({});
    expect(applyConsentRules(current, { email_optin: 'yes' }, { force: true, isNew: false, now }).columns).toEqual({
      email_optin: 'yes',
      email_unsubscription_date: null,
      email_unsubscription_reason: null,
    });
    expect(
      applyConsentRules({ mobile_optin: 'yes' }, { mobile_optin: 'no' }, { force: false, isNew: false, now }).columns,
    ).toEqual({ mobile_optin: 'no', mobile_unsubscription_date: now });
  });

  it('dates a status change', () => {
    const { columns } = applyConsentRules(
      { email_status: 'unknown' },
      { email_status: 'soft' },
      { force: false, isNew: false, now },
    );
    expect(columns).toEqual({ email_status: 'soft', email_status_date: now });
  });
});
