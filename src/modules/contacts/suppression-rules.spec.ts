import { SuppressionHasher } from './suppression-hash';
import { arrivingAddresses, suppressionChanges, withSuppressions } from './suppression-rules';

const account = '00000000-0000-0000-0000-000000000001';
const hasher = new SuppressionHasher('spec-secret-key-0123456789abcdef0123456789');
const emailHash = (email: string) => hasher.hash(account, 'email', email);
const smsHash = (mobile: string) => hasher.hash(account, 'sms', mobile);

describe('suppressionChanges', () => {
  it('records an opted-out email and a hard mobile, with the reason the contact gave', () => {
    const row = {
      email: 'a@b.fr',
      email_optin: 'no',
      email_unsubscription_reason: 'trop de mails',
      email_status: 'valid',
      mobile: '+33612345678',
      mobile_optin: 'yes',
      mobile_status: 'badnumber',
    };
    expect(suppressionChanges(hasher, account, [row], false)).toEqual({
      upserts: [
        { channel: 'email', hash: emailHash('a@b.fr'), optIn: 'no', status: null, reason: 'trop de mails' },
        { channel: 'sms', hash: smsHash('+33612345678'), optIn: null, status: 'badnumber', reason: null },
      ],
      removals: [],
    });
  });

  it('removes the record of an address that is subscribed and deliverable again', () => {
    const row = {
      email: 'a@b.fr',
      email_optin: 'yes',
      email_status: 'soft',
      mobile: '+33612345678',
      mobile_optin: 'yes',
    };
    expect(suppressionChanges(hasher, account, [row], false)).toEqual({
      upserts: [],
      removals: [
        { channel: 'email', hash: emailHash('a@b.fr') },
        { channel: 'sms', hash: smsHash('+33612345678') },
      ],
    });
  });

  it('keeps a subscribed address that is hard, and leaves alone one with no opt-in stated or no address', () => {
    const hard = { email: 'a@b.fr', email_optin: 'yes', email_status: 'baddomain' };
    expect(suppressionChanges(hasher, account, [hard], false)).toEqual({
      upserts: [{ channel: 'email', hash: emailHash('a@b.fr'), optIn: null, status: 'baddomain', reason: null }],
      removals: [],
    });
    const unstated = { email: 'a@b.fr', email_optin: null, mobile: null, mobile_optin: 'yes' };
    expect(suppressionChanges(hasher, account, [unstated], false)).toEqual({ upserts: [], removals: [] });
  });

  it('always keeps an erased address, as opted out, even when it was subscribed', () => {
    const row = { email: 'a@b.fr', email_optin: 'yes', email_status: 'valid' };
    expect(suppressionChanges(hasher, account, [row], true)).toEqual({
      upserts: [
        {
          channel: 'email',
          hash: emailHash('a@b.fr'),
          optIn: 'no',
          status: null,
          reason: 'personal data erased on request',
        },
      ],
      removals: [],
    });
  });

  it('keeps the opt-out when contacts deleted together share an address, whatever their order', () => {
    const subscribed = { email: 'one@b.fr', email_optin: 'yes', mobile: '+33612345678', mobile_optin: 'yes' };
    const optedOut = { email: 'two@b.fr', email_optin: 'yes', mobile: '+33612345678', mobile_optin: 'blocklist' };
    for (const rows of [
      [subscribed, optedOut],
      [optedOut, subscribed],
    ]) {
      const { upserts, removals } = suppressionChanges(hasher, account, rows, false);
      expect(upserts).toEqual([
        { channel: 'sms', hash: smsHash('+33612345678'), optIn: 'blocklist', status: null, reason: null },
      ]);
      expect(removals).toEqual(
        expect.arrayContaining([
          { channel: 'email', hash: emailHash('one@b.fr') },
          { channel: 'email', hash: emailHash('two@b.fr') },
        ]),
      );
      expect(removals).toHaveLength(2);
    }
  });
});

describe('arrivingAddresses', () => {
  it('lists only addresses the contact does not hold yet', () => {
    const stored = { email: 'a@b.fr', mobile: null };
    expect(arrivingAddresses(stored, { email: 'a@b.fr', mobile: '+33612345678', firstname: 'A' })).toEqual({
      mobile: '+33612345678',
    });
    expect(arrivingAddresses(stored, { email: 'c@d.fr' })).toEqual({ email: 'c@d.fr' });
    expect(arrivingAddresses(stored, { email: null, firstname: 'A' })).toEqual({});
  });
});

describe('withSuppressions', () => {
  const smsOptOut = { channel: 'sms' as const, optIn: 'no', status: null, reason: 'STOP' };
  const hardEmail = { channel: 'email' as const, optIn: null, status: 'badalias', reason: null };

  it('requests the recorded opt-out and hard status along with the change', () => {
    expect(withSuppressions({}, { mobile: '+33612345678', email: 'x@y.fr' }, [smsOptOut, hardEmail], false)).toEqual({
      requested: {
        mobile: '+33612345678',
        mobile_optin: 'no',
        mobile_unsubscription_reason: 'STOP',
        email: 'x@y.fr',
        email_status: 'badalias',
      },
      refusals: [],
    });
  });

  it('refuses a subscription or a deliverable status the write asked for, naming the address', () => {
    const result = withSuppressions(
      { email_optin: 'yes', mobile_optin: 'yes' },
      { mobile: '+33612345678', mobile_optin: 'yes', email: 'x@y.fr', email_status: 'valid' },
      [smsOptOut, hardEmail],
      false,
    );
    expect(result.requested).toMatchObject({ mobile_optin: 'no', email_status: 'badalias' });
    expect(result.refusals).toEqual([
      'mobileoptin stays "no": the address +33612345678 opted out; only a forced write can resubscribe it',
      'emailstatus stays "badalias": the address x@y.fr is known undeliverable; only a forced write can change it',
    ]);
  });

  it('keeps a stricter value the write asked for, and lets a forced write through', () => {
    expect(withSuppressions({}, { mobile: '+33612345678', mobile_optin: 'blocklist' }, [smsOptOut], false)).toEqual({
      requested: { mobile: '+33612345678', mobile_optin: 'blocklist' },
      refusals: [],
    });
    const forced = { mobile: '+33612345678', mobile_optin: 'yes' };
    expect(withSuppressions({}, forced, [smsOptOut], true)).toEqual({ requested: forced, refusals: [] });
  });

  it('leaves a contact already opted out or hard on the channel with its own values', () => {
    const stored = { mobile_optin: 'no', mobile_unsubscription_reason: 'moved away', email_status: 'baddomain' };
    const requested = { mobile: '+33612345678', email: 'x@y.fr' };
    expect(withSuppressions(stored, requested, [smsOptOut, hardEmail], false)).toEqual({ requested, refusals: [] });
  });
});
