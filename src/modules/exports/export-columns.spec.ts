import { FieldCatalogue } from '../fields/field-catalogue';
import { DEFAULT_EXPORT_FIELDS, exportCatalogue, exportColumns, readExportFields } from './export-columns';

const catalogue = new FieldCatalogue(
  [
    { id: 7, name: 'Loisirs', description: '', format: 'MultipleSelection', options: 'false', createdAt: new Date() },
    { id: 8, name: 'Achat', description: '', format: 'DateTime', options: 'dd.mm.yyyy', createdAt: new Date() },
  ],
  [
    { id: 70, fieldId: 7, text: 'Vélo', position: 1 } as never,
    { id: 71, fieldId: 7, text: 'Rando', position: 2 } as never,
  ],
);
const labels = { headers: 'labels', dates: 'dd/mm/yyyy', values: 'labels' } as const;
const keys = { headers: 'keys', dates: 'iso', values: 'keys' } as const;

describe('readExportFields', () => {
  it('gives the 12 main fields when none are asked', () => {
    expect(readExportFields(undefined, catalogue)).toEqual([...DEFAULT_EXPORT_FIELDS]);
    expect(readExportFields([], catalogue)).toHaveLength(12);
  });

  it('keeps the order asked, in canonical keys', () => {
    expect(readExportFields(['EMAIL', ' 7 ', 'Groups', 'emailstatusdetail'], catalogue)).toEqual([
      'email',
      '7',
      'groups',
      'emailstatusdetail',
    ]);
  });

  it('names every unknown field, and repeated ones', () => {
    expect(() => readExportFields(['email', 'nickname', '9'], catalogue)).toThrow(/"nickname", "9"/);
    expect(() => readExportFields(['email', '7', 'Email', '07'], catalogue)).toThrow(/"email", "7" more than once/);
  });
});

describe('exportColumns', () => {
  const cellOf = (key: string, style: typeof labels | typeof keys, stored: string) =>
    exportColumns([key], catalogue, style)[0].cell(stored);

  it('writes the seed labels, or keys', () => {
    expect(
      exportColumns(['companyname', 'mobile', 'activity', '7', 'groups'], catalogue, labels).map((c) => c.header),
    ).toEqual(['Raison Sociale', 'Mobile (pour SMS)', "Degré d'activité du contact", 'Loisirs', 'Groupes']);
    expect(exportColumns(['companyname', '7'], catalogue, keys).map((c) => c.header)).toEqual(['companyname', '7']);
  });

  it('writes statuses and opt-ins as the seed words, or keys', () => {
    expect(cellOf('emailoptin', labels, 'blocklist')).toBe('Liste repoussoir');
    expect(cellOf('emailstatus', labels, 'badsyntax')).toBe('Mauvaise syntaxe');
    expect(cellOf('mobilestatus', labels, 'error')).toBe('Numéro en erreur');
    expect(cellOf('emailoptinpartners', labels, 'true')).toBe('Oui');
    expect(cellOf('emailoptin', keys, 'orange')).toBe('orange');
  });

  it('writes list values as their texts in the list order, and dates as dd/mm/yyyy or ISO', () => {
    expect(cellOf('7', labels, '[71, 70]')).toBe('Vélo, Rando');
    expect(cellOf('8', labels, '2026-03-09')).toBe('09/03/2026');
    expect(cellOf('8', keys, '2026-03-09')).toBe('2026-03-09');
    expect(cellOf('birthdate', labels, '1990-02-28')).toBe('28/02/1990');
  });

  it('formats date-times in the account zone, or UTC for ISO', () => {
    const param = (name: string) => `:${name}`;
    expect(exportColumns(['creationdate'], catalogue, labels)[0].sql(param)).toContain('AT TIME ZONE :timezone');
    expect(exportColumns(['creationdate'], catalogue, keys)[0].sql(param)).toContain(`AT TIME ZONE 'UTC'`);
  });

  it('leaves out a custom field deleted since the export was asked', () => {
    expect(exportColumns(['email', '99'], catalogue, labels).map((c) => c.key)).toEqual(['email']);
  });
});

describe('exportCatalogue', () => {
  it('lists built-in, custom and group fields with the defaults marked', () => {
    const entries = exportCatalogue(catalogue);
    expect(entries.filter((e) => e.default).map((e) => e.key)).toEqual(
      expect.arrayContaining([...DEFAULT_EXPORT_FIELDS]),
    );
    expect(entries.find((e) => e.key === '7')).toMatchObject({ label: 'Loisirs', custom: true });
    expect(entries.at(-1)).toMatchObject({ key: 'groups', label: 'Groupes' });
  });
});
