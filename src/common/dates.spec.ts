import { formatUtc, parseDate, parseInstant } from './dates';

describe('dates', () => {
  it('formats instants as UTC yyyy-MM-dd HH:mm:ss', () => {
    expect(formatUtc(new Date('2026-03-04T05:06:07.890Z'))).toBe('2026-03-04 05:06:07');
  });

  it.each([
    ['28/02/2001', 'dd.mm.yyyy', '2001-02-28'],
    ['28-02-2001', 'dd.mm.yyyy', '2001-02-28'],
    ['2001.02.28', 'yyyy.mm.dd', '2001-02-28'],
    ['02/28/01', 'mm.dd.yy', '2001-02-28'],
    ['28.02.75', 'dd.mm.yy', '1975-02-28'],
    ['2001-02-28', 'mm.dd.yy', '2001-02-28'],
  ] as const)('reads %s as %s', (text, format, expected) => {
    expect(parseDate(text, format)).toBe(expected);
  });

  it.each(['29/02/2001', '31/04/2020', 'tomorrow', '12/2020', '1/1/1'])('rejects %s', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });

  it('reads instants', () => {
    expect(parseInstant('2026-01-02 03:04:05')?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(parseInstant('2026-01-02T03:04:05+01:00')?.toISOString()).toBe('2026-01-02T02:04:05.000Z');
    expect(parseInstant('02/01/2026')?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(parseInstant('2026-13-02 03:04:05')).toBeUndefined();
  });
});
