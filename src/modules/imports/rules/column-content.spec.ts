import { FieldCatalogue } from '../../fields/field-catalogue';
import { contentFit, countListValues, isXMark, profileColumn } from './column-content';

describe('profileColumn', () => {
  it('counts what the non-empty cells read as', () => {
    const profile = profileColumn(
      [' a@b.fr ', '', '06 12 34 56 78', '01 45 67 89 01', '12345', '03/02/1981', 'oui', 'X', '  '],
      'FR',
    );
    expect(profile).toEqual({
      values: ['a@b.fr', '06 12 34 56 78', '01 45 67 89 01', '12345', '03/02/1981', 'oui', 'X'],
      emails: 1,
      mobiles: 1,
      landlines: 1,
      notPhones: 5,
      dates: 1,
      yesNo: 2,
      numbers: 3,
      marks: 2,
    });
  });

  it('reads national numbers with the default country', () => {
    expect(profileColumn(['07911 123456'], 'GB').mobiles).toBe(1);
    expect(profileColumn(['07911 123456'], 'FR').notPhones).toBe(1);
  });
});

describe('isXMark', () => {
  it.each(['x', 'X', ' oui ', 'Yes', '1', 'TRUE'])('%s ticks the value', (cell) => {
    expect(isXMark(cell)).toBe(true);
  });

  it.each(['', 'non', '0', 'no', 'peut-être'])('%s does not', (cell) => {
    expect(isXMark(cell)).toBe(false);
  });
});

describe('countListValues', () => {
  it('counts cells made only of known values, comma-separated or not', () => {
    const known = new Map([
      ['perle', 1],
      ['diamant', 2],
    ]);
    expect(countListValues(['Perle', 'perle, Diamant', 'Perle, Rubis', 'Agathe'], known)).toBe(2);
  });
});

describe('contentFit', () => {
  const createdAt = new Date('2024-01-01T00:00:00Z');
  const catalogue = new FieldCatalogue(
    [{ id: 8, name: 'Adhérent', format: 'SingleSelection', description: '', options: 'false', createdAt }],
    [
      { id: 1, fieldId: 8, text: 'Oui', position: 1, createdAt },
      { id: 2, fieldId: 8, text: 'Non', position: 2, createdAt },
    ],
  );
  const profile = (...samples: string[]) => profileColumn(samples, 'FR');

  it('measures emails, phone numbers and list values', () => {
    expect(contentFit('email', profile('a@b.fr', 'oops'), catalogue)).toEqual({
      fits: 1,
      misfits: 1,
      what: 'email addresses',
    });
    expect(contentFit('phone', profile('0612345678', '0145678901', 'none'), catalogue)).toEqual({
      fits: 1,
      misfits: 1,
      what: 'landline numbers',
    });
    expect(contentFit('8', profile('Oui', 'non', 'Peut-être'), catalogue)).toEqual({
      fits: 2,
      misfits: 1,
      what: 'values of "Adhérent"',
    });
  });

  it('has nothing to say about free text or groups', () => {
    expect(contentFit('firstname', profile('Anne'), catalogue)).toBeUndefined();
    expect(contentFit('groups', profile('vip, pro'), catalogue)).toBeUndefined();
  });
});
