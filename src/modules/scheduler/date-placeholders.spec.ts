import { fillDatePlaceholders, unknownPlaceholders } from './date-placeholders';

describe('date placeholders', () => {
  it('fills the date in the schedule timezone', () => {
    const at = new Date('2026-12-31T23:30:05Z');
    expect(fillDatePlaceholders('contacts_{yyyy}{mm}{dd}.csv', at, 'UTC')).toBe('contacts_20261231.csv');
    expect(fillDatePlaceholders('contacts_{yyyy}{mm}{dd}.csv', at, 'Europe/Paris')).toBe('contacts_20270101.csv');
    expect(fillDatePlaceholders('c_{yyyy}-{mm}-{dd}_{hh}{mi}{ss}.csv', at, 'Europe/Paris')).toBe(
      'c_2027-01-01_003005.csv',
    );
    expect(fillDatePlaceholders('c_{hh}.csv', new Date('2026-07-01T00:05:00Z'), 'America/New_York')).toBe('c_20.csv');
  });

  it('names unknown placeholders and leaves them as written', () => {
    expect(unknownPlaceholders('c_{yyyy}{MM}{week}.csv')).toEqual(['MM', 'week']);
    expect(unknownPlaceholders('c_{yyyy}{mm}{dd}.csv')).toEqual([]);
    expect(fillDatePlaceholders('c_{week}.csv', new Date(), 'UTC')).toBe('c_{week}.csv');
  });
});
