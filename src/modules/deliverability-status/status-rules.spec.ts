import { decideOptIn, decideStatus, isOptedOut, readOptIn } from './status-rules';

describe('status rules', () => {
  it.each([
    ['oui', 'yes'],
    ['TRUE', 'yes'],
    ['x', 'yes'],
    ['1', 'yes'],
    ['Non', 'no'],
    ['0', 'no'],
    ['blocklist', 'blocklist'],
    ['maybe', undefined],
  ])('reads opt-in %s as %s', (raw, expected) => {
    expect(readOptIn(raw)).toBe(expected);
  });

  it('keeps an unsubscribe unless forced', () => {
    expect(decideOptIn('no', 'yes', false)).toEqual({ value: 'no', refused: true });
    expect(decideOptIn('blocklist', 'yes', false)).toEqual({ value: 'blocklist', refused: true });
    expect(decideOptIn('no', 'yes', true)).toEqual({ value: 'yes', refused: false });
    expect(decideOptIn('yes', 'no', false)).toEqual({ value: 'no', refused: false });
    expect(decideOptIn(null, 'yes', false)).toEqual({ value: 'yes', refused: false });
    expect(isOptedOut('orange')).toBe(true);
  });

  it('keeps a hard status unless forced', () => {
    expect(decideStatus('email', 'badalias', 'valid', false)).toEqual({ value: 'badalias', refused: true });
    expect(decideStatus('email', 'badalias', 'baddomain', false)).toEqual({ value: 'baddomain', refused: false });
    expect(decideStatus('email', 'badalias', 'valid', true)).toEqual({ value: 'valid', refused: false });
    expect(decideStatus('email', 'soft', 'valid', false)).toEqual({ value: 'valid', refused: false });
    expect(decideStatus('sms', 'badnumber', 'valid', false)).toEqual({ value: 'badnumber', refused: true });
    expect(decideStatus('sms', 'error', 'valid', false)).toEqual({ value: 'valid', refused: false });
  });
});
