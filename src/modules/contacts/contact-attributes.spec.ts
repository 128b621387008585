import { changedValues, type ContactRow } from './contact-attributes';

const stored: ContactRow = {
  id: 1,
  unique_key: 'ana@example.com',
  firstname: 'Ana',
  lastname: null,
  email_status_date: new Date('2026-03-01T10:00:00Z'),
  fields: { '4': 'Lyon', '7': [12, 15], '9': 3 },
};

describe('changedValues', () => {
  it('keeps only the columns and custom values that differ from what is stored', () => {
    expect(
      changedValues(stored, { firstname: 'Ana', lastname: 'Lima' }, { '4': 'Lyon', '7': [12, 16], '9': 3 }),
    ).toEqual({ columns: { lastname: 'Lima' }, fields: { '7': [12, 16] } });
  });

  it('compares dates by the instant they name, whether written as a date or as text', () => {
    const sameInstant = { email_status_date: '2026-03-01T11:00:00+01:00' };
    expect(changedValues(stored, sameInstant, {}).columns).toEqual({});
    expect(changedValues(stored, { email_status_date: new Date('2026-03-01T10:00:00Z') }, {}).columns).toEqual({});
    const later = { email_status_date: new Date('2026-03-02T10:00:00Z') };
    expect(changedValues(stored, later, {}).columns).toEqual(later);
  });

  it('takes a missing stored value as null, and a value written where none was stored as a change', () => {
    expect(changedValues(stored, { lastname: null }, { '11': null }).columns).toEqual({});
    expect(changedValues(stored, {}, { '11': null }).fields).toEqual({});
    expect(changedValues(stored, { city: 'Nantes' }, { '11': 'x' })).toEqual({
      columns: { city: 'Nantes' },
      fields: { '11': 'x' },
    });
  });
});
