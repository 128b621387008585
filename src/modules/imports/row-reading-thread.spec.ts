import { FieldCatalogue } from '../fields/field-catalogue';
import { RowReadingThread, type RowReadingSetup } from './row-reading-thread';
import { compileMatchings } from './rules/matching-plan';
import { readImportedRow } from './rules/row-reading';

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
const setup: RowReadingSetup = {
  fields,
  values,
  matchings: ['email', 'mobile', 'birthdate', '7', '8', 'groups'],
  headers: ['Email', 'Portable', 'Naissance', 'Intérêts', 'Score', 'Groupes'],
  constants: [{ matching: 'source', value: 'Salon' }],
  defaultCountry: 'FR',
  uniquenessKey: 'email',
};
const rows = [
  { line: 2, cells: ['Ann@Example.fr', '06 12 34 56 78', '29/02/2000', 'Vélo,Cuisine', '4,5', 'clients, vip'] },
  { line: 3, cells: ['bob@gmial.com', '612345678', '29/02/2001', 'Peut-être', 'beaucoup', ''] },
  { line: 4, cells: ['', '01 23 45 67 89', '', '', '', ''] },
  { line: 5, cells: ['not an email', 'abc', '1980-05-17', 'cuisine', '12', 'prospects'] },
];

describe('RowReadingThread', () => {
  let thread: RowReadingThread;
  afterEach(async () => thread?.close());

  it('reads rows on its own thread exactly as the import thread does, in order', async () => {
    const catalogue = new FieldCatalogue(fields, values);
    const plan = compileMatchings(setup.matchings, setup.headers, catalogue, setup.constants);
    const context = { catalogue, defaultCountry: 'FR', uniquenessKey: 'email' as const };
    const inline = rows.map((row) => readImportedRow(row.line, row.cells, setup.headers, plan, context));
    expect(inline.map((row) => row.accepted)).toEqual([true, true, false, false]);

    thread = new RowReadingThread({ ...setup, ...catalogue.rows() });
    const [first, second] = await Promise.all([thread.read(rows.slice(0, 3)), thread.read(rows.slice(3))]);
    expect([...first, ...second]).toEqual(inline);
  }, 30_000);

  it('fails every pending read when the thread cannot start', async () => {
    thread = new RowReadingThread({ ...setup, matchings: ['email', '999'] });
    await expect(thread.read(rows)).rejects.toThrow('999');
    await expect(thread.read(rows)).rejects.toThrow('999');
  }, 30_000);
});
