import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../common/errors';
import { FieldCatalogue } from '../fields/field-catalogue';
import type { ImportSettings } from './import-settings';
import { RowReadingThread, type RowReadingSetup } from './row-reading-thread';
import { compileMatchings } from './rules/matching-plan';
import { readImportedRow, type ImportedRow } from './rules/row-reading';

const created = new Date('2026-01-01T00:00:00Z');
const fields = [
  {
    id: 7,
    name: 'Centres d’intérêt',
    description: '',
    format: 'MultipleSelection' as const,
    options: 'false',
    createdAt: created,
  },
  { id: 8, name: 'Score', description: '', format: 'Number' as const, options: '', createdAt: created },
];
const values = [
  { id: 70, fieldId: 7, text: 'Vélo', position: 1, createdAt: created },
  { id: 71, fieldId: 7, text: 'Cuisine', position: 2, createdAt: created },
];
const headers = ['Email', 'Portable', 'Naissance', 'Intérêts', 'Score', 'Groupes'];
const rows = [
  { line: 2, cells: ['Ann@Example.fr', '06 12 34 56 78', '29/02/2000', 'Vélo,Cuisine', '4,5', 'clients, vip'] },
  { line: 3, cells: ['bob@gmial.com', '612345678', '29/02/2001', 'Peut-être', 'beaucoup', ''] },
  { line: 4, cells: ['', '01 23 45 67 89', '', '', '', ''] },
  { line: 5, cells: ['not an email', 'abc', '1980-05-17', 'cuisine', '12', 'prospects'] },
  { line: 6, cells: ['cy@example.fr', '07 12 34 56 78', '', 'Cuisine', '', ''] },
];
const settings: ImportSettings = {
  encoding: 'UTF-8',
  separator: ';',
  firstLine: 1,
  firstLineAsHeader: true,
  duplicateOption: 'disallowdupupdate',
  matchings: ['email', 'mobile', 'birthdate', '7', '8', 'groups'],
  constants: [{ matching: 'source', value: 'Salon' }],
  corrections: { '6': { '4': '17' } },
};

describe('RowReadingThread', () => {
  let directory: string;
  let thread: RowReadingThread | undefined;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'row-reading-'));
    const text = [headers, ...rows.map((r) => r.cells)].map((cells) => cells.join(';')).join('\n');
    writeFileSync(join(directory, 'contacts.csv'), `${text}\n`);
    writeFileSync(join(directory, 'broken.csv'), `${headers.join(';')}\na@example.fr;"0612345678\n`);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  afterEach(async () => {
    await thread?.close();
    thread = undefined;
  });

  const setupFor = (file: string, more: Partial<RowReadingSetup> = {}): RowReadingSetup => ({
    ...new FieldCatalogue(fields, values).rows(),
    defaultCountry: 'FR',
    uniquenessKey: 'email',
    path: join(directory, file),
    fileName: file,
    settings,
    resumeLine: 0,
    batchRows: 2,
    ...more,
  });

  async function readAll(reading: RowReadingThread): Promise<ImportedRow[][]> {
    const batches: ImportedRow[][] = [];
    for (let batch = await reading.next(); batch; batch = await reading.next()) batches.push(batch);
    return batches;
  }

  /** The rows as the import's own thread reads them (corrections applied); cells kept only where they serve. */
  function inline(from: number): ImportedRow[] {
    const catalogue = new FieldCatalogue(fields, values);
    const plan = compileMatchings(settings.matchings, headers, catalogue, settings.constants);
    const context = { catalogue, defaultCountry: 'FR', uniquenessKey: 'email' as const };
    return rows
      .filter((row) => row.line > from)
      .map((row) => {
        const cells = row.line === 6 ? ['cy@example.fr', '07 12 34 56 78', '', 'Cuisine', '17', ''] : row.cells;
        const read = readImportedRow(row.line, cells, headers, plan, context);
        return read.accepted && read.key && read.newValues.length === 0 ? { ...read, cells: [] } : read;
      });
  }

  it('reads and checks the file in batches, in order, exactly as the import thread does', async () => {
    thread = new RowReadingThread(setupFor('contacts.csv'));
    const batches = await readAll(thread);
    expect(batches.map((batch) => batch.map((row) => row.line))).toEqual([[2, 3], [4, 5], [6]]);
    const expected = inline(0);
    expect(expected.map((row) => [row.accepted, row.cells.length > 0])).toEqual([
      [true, false],
      [true, false],
      [false, true],
      [false, true],
      [true, false],
    ]);
    expect(batches.flat()).toEqual(expected);
    expect(await thread.next()).toBeUndefined();
  }, 30_000);

  it('skips the rows an earlier run committed', async () => {
    thread = new RowReadingThread(setupFor('contacts.csv', { resumeLine: 4, batchRows: 10 }));
    expect(await readAll(thread)).toEqual([inline(4)]);
  }, 30_000);

  it('reports a malformed file as the reader does, with its code', async () => {
    thread = new RowReadingThread(setupFor('broken.csv'));
    const failure = await thread.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'MalformedCsv' });
  }, 30_000);

  it('fails when the thread cannot read the matchings', async () => {
    thread = new RowReadingThread(setupFor('contacts.csv', { settings: { ...settings, matchings: ['email', '999'] } }));
    await expect(thread.next()).rejects.toThrow('999');
  }, 30_000);
});
