import { csvRecord } from './export-file';
import { filtersSql, readExportFilters } from './export-filters';
import { readSourceDescription } from './export-settings';

describe('readSourceDescription', () => {
  it.each([
    ['segment:12', { kind: 'segment', segmentId: 12 }],
    ['Group : 3', { kind: 'group', groupId: 3 }],
    ['import:7', { kind: 'import', importId: 7 }],
    ['Export mensuel', { kind: 'all' }],
    [undefined, { kind: 'all' }],
    ['segment:douze', 'invalid'],
  ])('reads %j as %j', (description, source) => {
    expect(readSourceDescription(description)).toEqual(source);
  });
});

describe('readExportFilters', () => {
  it('reads names in any case, once each, and ANDs them', () => {
    expect(readExportFilters(['EmailingOptIn', 'emailingoptin', 'mobileoptout'])).toEqual([
      'emailingoptin',
      'mobileoptout',
    ]);
    expect(filtersSql([])).toBe('TRUE');
    expect(filtersSql(['emailinghard', 'mobileoptin'])).toBe(
      `(c.email IS NOT NULL AND c.email_status IN ('badalias', 'baddomain', 'badsyntax')) AND ` +
        `(c.mobile IS NOT NULL AND c.mobile_optin = 'yes')`,
    );
  });

  it('names unknown filters', () => {
    expect(() => readExportFilters(['emailingoptin', 'sms', 'x'])).toThrow(/Unknown filters "sms", "x"/);
  });
});

describe('csvRecord', () => {
  it('neutralises formula cells, quotes what needs it, writes numbers as they are', () => {
    expect(csvRecord(['=1+1', 'a;b', 'say "hi"', 'two\nlines', -3.5, null, '+33612345678'], ';')).toBe(
      `'=1+1;"a;b";"say ""hi""";"two\nlines";-3.5;;'+33612345678\r\n`,
    );
    expect(csvRecord(['a,b', 'c'], ',')).toBe('"a,b",c\r\n');
  });
});
