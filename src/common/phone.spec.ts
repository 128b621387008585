import { phoneDigitForms, readPhone } from './phone';

describe('readPhone', () => {
  it.each(['0612345678', '612345678', '06 12 34 56 78', '+33 6 12 34 56 78', '0033612345678', '06.12.34.56.78'])(
    'reads %s as one French mobile',
    (raw) => {
      expect(readPhone(raw, 'FR')).toEqual({ e164: '+33612345678', isMobile: true });
    },
  );

  it('reads national numbers with the given country', () => {
    expect(readPhone('07400 123456', 'GB')?.e164).toBe('+447400123456');
    expect(readPhone('07700 900123', 'FR')).toBeUndefined();
    expect(readPhone('+41 79 123 45 67', 'FR')?.e164).toBe('+41791234567');
  });

  it('flags a landline as not mobile', () => {
    expect(readPhone('01 42 68 53 00', 'FR')).toEqual({ e164: '+33142685300', isMobile: false });
  });

  it.each(['12345', '', 'abc', '+33 6 12'])('rejects %j', (raw) => {
    expect(readPhone(raw, 'FR')).toBeUndefined();
  });
});

describe('phoneDigitForms', () => {
  it('lists the international and national digit strings of a stored number', () => {
    expect(phoneDigitForms('+33612345678').sort()).toEqual(['0033612345678', '0612345678', '33612345678', '612345678']);
  });
});
