import {
  afterImportPath,
  candidateFiles,
  distinctName,
  matchesPattern,
  remotePath,
  settledFiles,
} from './remote-files';

const file = (name: string, size = 10, modifiedAt = 1_000) => ({ name, size, modifiedAt });

describe('remote files', () => {
  it('matches a name or a glob, never across directories', () => {
    expect(matchesPattern('contacts_20261201.csv', 'contacts_*.csv')).toBe(true);
    expect(matchesPattern('contacts_.csv', 'contacts_*.csv')).toBe(true);
    expect(matchesPattern('contacts_1.CSV', 'contacts_*.csv')).toBe(false);
    expect(matchesPattern('other_1.csv', 'contacts_*.csv')).toBe(false);
    expect(matchesPattern('sub/contacts_1.csv', 'contacts_*.csv')).toBe(false);
    expect(matchesPattern('contacts_1.csv.imported', 'contacts_*.csv')).toBe(false);
    expect(matchesPattern('export.csv', 'export.csv')).toBe(true);
    expect(matchesPattern('export1.csv', 'export?.csv')).toBe(true);
    expect(matchesPattern('a.txt', '*.{csv,txt}')).toBe(true);
    expect(matchesPattern('a.xlsx', '*.{csv,txt}')).toBe(false);
  });

  it('leaves markers out, and with the marker rule takes only files whose marker exists', () => {
    const entries = [file('a.csv'), file('a.csv.done', 0), file('b.csv'), file('notes.txt')];
    expect(candidateFiles(entries, '*.csv', 'stable').map((e) => e.name)).toEqual(['a.csv', 'b.csv']);
    expect(candidateFiles(entries, '*', 'stable').map((e) => e.name)).toEqual(['a.csv', 'b.csv', 'notes.txt']);
    expect(candidateFiles(entries, '*.csv', 'marker').map((e) => e.name)).toEqual(['a.csv']);
  });

  it('takes a file only when its size and time are the same at both looks', () => {
    const first = [file('same.csv', 10, 1_000), file('growing.csv', 10, 1_000), file('touched.csv'), file('gone.csv')];
    const second = [file('same.csv', 10, 1_000), file('growing.csv', 25, 1_000), file('touched.csv', 10, 2_000)];
    const { settled, unsettled } = settledFiles(first, second);
    expect(settled.map((e) => e.name)).toEqual(['same.csv']);
    expect(unsettled.map((e) => e.name)).toEqual(['growing.csv', 'touched.csv', 'gone.csv']);
  });

  it('names where a file goes after its import', () => {
    expect(afterImportPath('/in', 'a.csv', 'move')).toBe('/in/processed/a.csv');
    expect(afterImportPath('/in/', 'a.csv', 'rename')).toBe('/in/a.csv.imported');
    expect(afterImportPath('in', 'a.csv', 'delete')).toBeNull();
    expect(remotePath('/', 'a.csv')).toBe('/a.csv');
    expect(remotePath('', 'a.csv')).toBe('./a.csv');
    expect(distinctName('a.csv', '12')).toBe('a-12.csv');
    expect(distinctName('README', '12')).toBe('README-12');
  });
});
