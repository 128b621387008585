import { readFileSync } from 'fs';
import * as iconv from 'iconv-lite';
import { join } from 'path';
import * as XLSX from '@e965/xlsx';
import type { CustomFieldFormat } from '../../fields/custom-field.entity';
import { FieldCatalogue } from '../../fields/field-catalogue';
import type { FieldRow, ValueRow } from '../../fields/fields.repository';
import { type ColumnSample, type MatchingOptions, normaliseHeader, suggestMatchings } from './header-matching';

const FIXTURES = join(__dirname, '../../../../test/fixtures');
const createdAt = new Date('2024-01-01T00:00:00Z');

function splitCsvLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  return [...cells, cell];
}

function toColumns(rows: string[][]): ColumnSample[] {
  const [headers, ...data] = rows;
  return headers.map((header, i) => ({ header, samples: data.map((row) => row[i] ?? '') }));
}

function csvColumns(file: string, encoding: string, separator: string): ColumnSample[] {
  const text = iconv.decode(readFileSync(join(FIXTURES, file)), encoding);
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  return toColumns(lines.map((line) => splitCsvLine(line, separator)));
}

function xlsxColumns(file: string): ColumnSample[] {
  const workbook = XLSX.read(readFileSync(join(FIXTURES, file)));
  const sheet = workbook.Sheets[workbook.SheetNames[0]];
  return toColumns(XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1, raw: false, defval: '' }));
}

function catalogue(fields: { id: number; name: string; format: CustomFieldFormat; values?: string[] }[]) {
  const fieldRows: FieldRow[] = fields.map(({ id, name, format }) => ({
    id,
    name,
    format,
    description: '',
    options: 'false',
    createdAt,
  }));
  const valueRows: ValueRow[] = fields.flatMap(({ id, values = [] }) =>
    values.map((text, i) => ({ id: id * 100 + i, fieldId: id, text, position: i + 1, createdAt })),
  );
  return new FieldCatalogue(fieldRows, valueRows);
}

const NO_FIELDS = catalogue([]);
const BY_EMAIL: MatchingOptions = { uniquenessKey: 'email', defaultCountry: 'FR' };
const BY_MOBILE: MatchingOptions = { uniquenessKey: 'mobile', defaultCountry: 'FR' };
const NO_MATCH = 'no matching field; choose one or ignore';

const column = (header: string, ...samples: string[]): ColumnSample => ({ header, samples });
const matchingsOf = (columns: ColumnSample[], fields = NO_FIELDS, options = BY_EMAIL) =>
  suggestMatchings(columns, fields, options).map((suggestion) => suggestion.matching);
const only = (header: string, samples: string[] = [], fields = NO_FIELDS, options = BY_EMAIL) =>
  suggestMatchings([{ header, samples }], fields, options)[0];

describe('normaliseHeader', () => {
  it.each([
    ['Téléphone  mobile', 'telephonemobile'],
    ['PRÉNOM', 'prenom'],
    ['first_name', 'firstname'],
    ['E-mails', 'email'],
    ['Adresse e-mail', 'adresseemail'],
    ['Groupes', 'groupe'],
    ['Dubœuf', 'duboeuf'],
    ['Né(e) le :', 'neele'],
    ['  ', ''],
  ])('%s → %s', (header, expected) => {
    expect(normaliseHeader(header)).toBe(expected);
  });
});

describe('suggestMatchings on the fixture files', () => {
  it('matches the workbook of the help page (espace-pro-clients.xlsx)', () => {
    const suggestions = suggestMatchings(xlsxColumns('espace-pro-clients.xlsx'), NO_FIELDS, BY_EMAIL);
    expect(suggestions.map((s) => [s.column, s.header, s.matching])).toEqual([
      [0, 'Prénom', 'firstname'],
      [1, 'Nom', 'lastname'],
      [2, 'Email', 'email'],
      [3, 'Téléphone mobile', 'mobile'],
      [4, 'Groupes', 'groups'],
    ]);
    for (const suggestion of suggestions) expect(suggestion.confidence).toBeGreaterThanOrEqual(0.95);
    expect(suggestions[2].reason).toBe('header "Email" names Email address; 4 of 5 sample values are email addresses');
  });

  it('matches the French Excel CSV (excel-fr-cp1252.csv) and ignores its empty trailing column', () => {
    const suggestions = suggestMatchings(csvColumns('excel-fr-cp1252.csv', 'win1252', ';'), NO_FIELDS, BY_EMAIL);
    expect(suggestions.map((s) => s.matching)).toEqual([
      'firstname',
      'lastname',
      'email',
      'mobile',
      'zipcode',
      'city',
      'birthdate',
      '',
    ]);
    expect(suggestions[7]).toEqual({ column: 7, header: '', matching: '', confidence: 0, reason: NO_MATCH });
    expect(suggestions[3]).toMatchObject({
      confidence: 0.98,
      reason: 'header "Mobile" names Mobile phone; 3 of 4 sample values are mobile numbers',
    });
    expect(suggestions[6].reason).toContain('3 of 4 sample values are dates');
  });

  it('maps X columns to the multi-select field and Adhérent to its single-select field (liste-valeurs-x.csv)', () => {
    const fields = catalogue([
      { id: 7, name: 'Pierres', format: 'MultipleSelection', values: ['Perle', 'Diamant', 'Agathe'] },
      { id: 8, name: 'Adhérent', format: 'SingleSelection', values: ['Oui', 'Non'] },
    ]);
    const suggestions = suggestMatchings(csvColumns('liste-valeurs-x.csv', 'utf8', ';'), fields, BY_EMAIL);
    expect(suggestions.map((s) => s.matching)).toEqual(['email', 'firstname', 'lastname', '7', '7', '7', '8']);
    expect(suggestions[3].reason).toBe(
      'header "Perle" is the value "Perle" of multi-select field "Pierres" and the column holds X marks',
    );
    expect(suggestions[6].reason).toContain('custom field "Adhérent"');
    expect(suggestions[6].confidence).toBeGreaterThan(0.96);
  });

  it('takes "subscribed" for the opt-in of the uniqueness key channel (sms-contacts.csv)', () => {
    const columns = csvColumns('sms-contacts.csv', 'utf8', ',');
    expect(matchingsOf(columns, NO_FIELDS, BY_MOBILE)).toEqual([
      'firstname',
      'lastname',
      'mobile',
      'email',
      'mobileoptin',
      'groups',
    ]);
    expect(matchingsOf(columns, NO_FIELDS, BY_EMAIL)[4]).toBe('emailoptin');
    expect(suggestMatchings(columns, NO_FIELDS, BY_MOBILE)[4].reason).toContain('taken for SMS');
  });
});

describe('suggestMatchings by header', () => {
  it.each([
    ['Given name', 'firstname'],
    ['PRENOM', 'firstname'],
    ['Surname', 'lastname'],
    ['Nom de famille', 'lastname'],
    ['Courriel', 'email'],
    ['E-mail address', 'email'],
    ['GSM', 'mobile'],
    ['Tél. portable', 'mobile'],
    ['Cellphone', 'mobile'],
    ['Téléphone fixe', 'phone'],
    ['Landline', 'phone'],
    ['Rue', 'address1'],
    ['Complément d’adresse', 'address2'],
    ['CP', 'zipcode'],
    ['Postcode', 'zipcode'],
    ['Localité', 'city'],
    ['Town', 'city'],
    ['Pays', 'country'],
    ['Date of birth', 'birthdate'],
    ['DOB', 'birthdate'],
    ['Raison sociale', 'companyname'],
    ['Company', 'companyname'],
    ['Job title', 'jobtitle'],
    ['Fonction', 'jobtitle'],
    ['Civilité', 'salutation'],
    ['Newsletter', 'emailoptin'],
    ['Opt-in SMS', 'mobileoptin'],
    ['Listes', 'groups'],
    ['Tags', 'groups'],
    ['zipcode', 'zipcode'],
    ['Abonnement e-mail', 'emailoptin'],
  ])('%s → %s', (header, matching) => {
    const suggestion = only(header);
    expect(suggestion.matching).toBe(matching);
    expect(suggestion.confidence).toBe(0.95);
  });

  it('takes a near miss with less confidence', () => {
    const suggestion = only('Prenon');
    expect(suggestion.matching).toBe('firstname');
    expect(suggestion.confidence).toBeLessThan(0.95);
    expect(suggestion.confidence).toBeGreaterThanOrEqual(0.5);
    expect(suggestion.reason).toBe('header "Prenon" resembles "prénom"');
  });

  it('finds a known name inside a longer header', () => {
    const suggestion = only('Adresse email du contact');
    expect(suggestion.matching).toBe('email');
    expect(suggestion.confidence).toBeLessThan(0.8);
    expect(suggestion.reason).toContain('contains "adresse e-mail"');
  });

  it('never reads an opt-out header as an opt-in', () => {
    for (const header of ['Désabonné', 'Unsubscribed', 'Opt-out', 'Date de désabonnement']) {
      expect(only(header).matching).not.toMatch(/optin$/);
    }
  });

  it('sends channel-less unsubscription names to the channel of the uniqueness key', () => {
    expect(only('Date de désabonnement', [], NO_FIELDS, BY_EMAIL).matching).toBe('emailunsubscriptiondate');
    expect(only('Date de désabonnement', [], NO_FIELDS, BY_MOBILE).matching).toBe('mobileunsubscriptiondate');
    expect(only('Abonné SMS', [], NO_FIELDS, BY_EMAIL).matching).toBe('mobileoptin');
  });

  it('prefers a custom field named like the header to a built-in synonym', () => {
    const fields = catalogue([{ id: 12, name: 'Newsletter', format: 'ShortText' }]);
    expect(only('newsletters', [], fields).matching).toBe('12');
  });

  it('lowers a header whose values say otherwise', () => {
    const suggestion = only('Mail', ['oui', 'non', 'oui']);
    expect(suggestion.matching).toBe('email');
    expect(suggestion.confidence).toBeLessThan(0.6);
    expect(suggestion.reason).toContain('but only 0 of 3 sample values are email addresses');
  });
});

describe('suggestMatchings by content', () => {
  it('recognises a column of emails whatever its header', () => {
    const suggestion = only('Identifiant', ['a@b.fr', 'c@orange.fr', 'not an email', 'd@free.fr']);
    expect(suggestion).toMatchObject({ matching: 'email', reason: '3 of 4 sample values are email addresses' });
    expect(suggestion.confidence).toBeLessThan(0.95);
  });

  it('recognises a column of mobile numbers with no header', () => {
    expect(only('', ['06 12 34 56 78', '+33 6 98 76 54 32', '612345678']).matching).toBe('mobile');
  });

  it('sends a bare "Téléphone" column to mobile or landline by its numbers', () => {
    expect(only('Téléphone', ['06 12 34 56 78', '0698765432']).matching).toBe('mobile');
    expect(only('Téléphone', ['01 45 67 89 01', '0478123456']).matching).toBe('phone');
    expect(only('Téléphone').matching).toBe('phone');
  });

  it('takes dates for the birth date only when the header speaks of birth', () => {
    expect(only('Né le', ['03/02/1981', '17/11/1975']).matching).toBe('birthdate');
    expect(only("Date d'inscription", ['03/02/2021', '17/11/2022'])).toMatchObject({ matching: '', confidence: 0 });
  });

  it('does not take a value header for an X column when its cells are not marks', () => {
    const fields = catalogue([{ id: 7, name: 'Pierres', format: 'MultipleSelection', values: ['Perle'] }]);
    expect(only('Perle', ['beaucoup', 'un peu'], fields)).toEqual({
      column: 0,
      header: 'Perle',
      matching: '',
      confidence: 0,
      reason: NO_MATCH,
    });
  });

  it('ignores a column with nothing recognisable', () => {
    expect(only('Code client', ['A12', 'B7'])).toMatchObject({ matching: '', confidence: 0, reason: NO_MATCH });
  });
});

describe('suggestMatchings never gives a field to two columns', () => {
  it('keeps the most confident email column and leaves the other to the user', () => {
    const suggestions = suggestMatchings(
      [column('E-mail 2', 'x@y.fr'), column('Email', 'a@b.fr', 'c@d.fr')],
      NO_FIELDS,
      BY_EMAIL,
    );
    expect(suggestions.map((s) => s.matching)).toEqual(['', 'email']);
    expect(suggestions[0]).toMatchObject({
      confidence: 0,
      reason: 'Email address is already matched to column "Email"; choose another field or ignore',
    });
  });

  it('falls back to the next candidate when the favourite is taken', () => {
    const suggestions = suggestMatchings(
      [column('Téléphone', '0612345678', '0698765432'), column('Mobile', '0611223344')],
      NO_FIELDS,
      BY_EMAIL,
    );
    expect(suggestions.map((s) => s.matching)).toEqual(['phone', 'mobile']);
    expect(suggestions[0].reason).toContain('Mobile phone is already matched to column "Mobile"');
  });

  it('lets several X columns feed the same multi-select field', () => {
    const fields = catalogue([
      { id: 3, name: "Centre d'intérêt", format: 'MultipleSelection', values: ['Perle', 'Diamant'] },
    ]);
    expect(matchingsOf([column('Perle', 'X'), column('Diamant', 'oui', '')], fields)).toEqual(['3', '3']);
  });
});
