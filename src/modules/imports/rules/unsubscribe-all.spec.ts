import { unsubscribeColumns, unsubscribeNote } from './unsubscribe-all';

describe('unsubscribe everyone in the file', () => {
  it('writes the opt-in and reason of each channel asked for', () => {
    expect(unsubscribeColumns({ email: 'blocklist' }, 7)).toEqual({
      email_optin: 'blocklist',
      email_unsubscription_reason: 'import 7: everyone in the file unsubscribed',
    });
    expect(unsubscribeColumns({ email: 'no', sms: 'blocklist' }, 7)).toMatchObject({
      email_optin: 'no',
      mobile_optin: 'blocklist',
      mobile_unsubscription_reason: 'import 7: everyone in the file unsubscribed',
    });
    expect(unsubscribeColumns(undefined, 7)).toEqual({});
  });

  it('says so in the history title, or nothing', () => {
    expect(unsubscribeNote({ email: 'no', sms: 'blocklist' })).toBe(
      'everyone in the file unsubscribed: email no, SMS blocklist',
    );
    expect(unsubscribeNote({})).toBeUndefined();
  });
});
