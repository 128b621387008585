import { deflateRawSync } from 'node:zlib';
import * as XLSX from '@e965/xlsx';
import {
  encryptedWorkbook,
  failureOf,
  fixture,
  GeneratedFiles,
  workbook,
  zipArchive,
} from '../../../../test/fixtures/generated-files';
import { listSheets, readSheetRows, streamSheetRows, WORKBOOK_CHUNK_ROWS } from './workbook-reader';

const files = new GeneratedFiles();
afterAll(() => files.remove());

const FIXTURE = fixture('espace-pro-clients.xlsx');

/** A sheet of `rows` contacts (plus a header) with text, numbers and dates. */
function contactsSheet(rows: number): XLSX.WorkSheet {
  const data: unknown[][] = [['Email', 'Prénom', 'Nom', 'Mobile', 'Points', 'Ville', 'Code postal', 'Inscription']];
  for (let i = 1; i <= rows; i++) {
    data.push([
      `contact${i}@exemple.fr`,
      `Prénom ${i}`,
      `Nom ${i}`,
      600000000 + i,
      i * 1.5,
      'Lyon',
      69000 + (i % 10),
      45000 + (i % 365),
    ]);
  }
  return XLSX.utils.aoa_to_sheet(data);
}

let big: string | undefined;
const bigWorkbook = () => (big ??= files.write('big.xlsx', workbook({ Contacts: contactsSheet(30_000) })));

describe('listSheets and readSheetRows (in a worker)', () => {
  it('list the sheets of the fixture with row counts and first rows', async () => {
    const { sheets } = await listSheets(FIXTURE);
    expect(sheets.map(({ name, hidden, rowCount }) => ({ name, hidden, rowCount }))).toEqual([
      { name: 'feuille 1', hidden: false, rowCount: 7 },
      { name: 'notes', hidden: false, rowCount: 2 },
    ]);
    expect(sheets[0].firstRows[0]).toEqual({
      line: 1,
      cells: ['Prénom', 'Nom', 'Email', 'Téléphone mobile', 'Groupes'],
    });
    expect(sheets[0].firstRows[6]).toEqual({ line: 7, cells: ['', 'Sansprenom', '', '', ''] });
  });

  it('read one sheet, by default the first with data', async () => {
    const first = await readSheetRows(FIXTURE, undefined);
    expect(first.sheet).toBe('feuille 1');
    expect(first.rows[2]).toEqual({ line: 3, cells: ['Amaury', 'Bert', 'ab@kiween.com', '0612345678', 'vip, pro'] });
    expect(await readSheetRows(FIXTURE, 'notes')).toEqual({
      sheet: 'notes',
      rows: [
        { line: 1, cells: ['Notes'] },
        { line: 2, cells: ['ne pas importer'] },
      ],
    });
  });

  it('refuse a sheet name that does not exist, listing the sheets', async () => {
    expect(await failureOf(readSheetRows(FIXTURE, 'Feuil1'))).toMatchObject({
      status: 400,
      code: 'SheetNotFound',
      message: 'The workbook has no sheet named "Feuil1"; choose one of: "feuille 1", "notes"',
    });
  });

  it('read a generated workbook: a formula gives its value, dates and numbers their text', async () => {
    const sheet = XLSX.utils.aoa_to_sheet([['Email', 'Naissance', 'Inscription', 'Points', 'Double', 'Mobile']]);
    Object.assign(sheet, {
      A2: { t: 's', v: 'zoe@exemple.fr' },
      B2: { t: 'n', v: 31118, z: 'dd/mm/yyyy' },
      C2: { t: 'n', v: 45366, z: 'm/d/yy' },
      D2: { t: 'n', v: 1234.5, z: '0.00' },
      E2: { t: 'n', v: 2469, f: 'D2*2' },
      F2: { t: 'n', v: 612345678 },
    });
    sheet['!ref'] = 'A1:F2';
    const path = files.write('generated.xlsx', workbook({ Contacts: sheet }));
    expect((await readSheetRows(path, 'Contacts')).rows[1]).toEqual({
      line: 2,
      cells: ['zoe@exemple.fr', '12/03/1985', '2024-03-15', '1234.50', '2469', '612345678'],
    });
  });

  it('read a legacy .xls workbook', async () => {
    const path = files.write(
      'legacy.xls',
      workbook({ Clients: XLSX.utils.aoa_to_sheet([['Email'], ['a@b.fr']]) }, 'xls'),
    );
    expect(await readSheetRows(path, undefined)).toEqual({
      sheet: 'Clients',
      rows: [
        { line: 1, cells: ['Email'] },
        { line: 2, cells: ['a@b.fr'] },
      ],
    });
  });

  it('refuse an encrypted workbook, a zip bomb and a ZIP that is no workbook', async () => {
    expect(await failureOf(listSheets(files.write('secret.xlsx', encryptedWorkbook())))).toMatchObject({
      code: 'EncryptedWorkbook',
    });
    const zeros = 300 * 1024 * 1024;
    const bomb = zipArchive([
      { name: 'xl/worksheets/sheet1.xml', data: deflateRawSync(Buffer.alloc(zeros)), uncompressedSize: zeros },
    ]);
    expect(await failureOf(listSheets(files.write('bomb.xlsx', bomb)))).toMatchObject({ code: 'ZipBomb' });
    const notAWorkbook = zipArchive([
      { name: 'hello.txt', data: Buffer.from('hello'), uncompressedSize: 5, method: 0 },
    ]);
    expect(await failureOf(listSheets(files.write('hello.xlsx', notAWorkbook)))).toMatchObject({
      code: 'UnreadableWorkbook',
      message: expect.stringMatching(
        /^The file could not be read as a workbook: .+; open it in Excel and save it again as \.xlsx$/,
      ),
    });
  });

  it('stop a worker that takes longer than its time limit', async () => {
    expect(await failureOf(listSheets(FIXTURE, { timeLimitMs: 1 }))).toMatchObject({
      status: 400,
      code: 'WorkbookTooComplex',
      message: 'The workbook took longer than 0.001 s to read; save the sheet as CSV (UTF-8) and import that',
    });
    // The next file gets a fresh worker.
    expect((await listSheets(FIXTURE)).sheets).toHaveLength(2);
  });

  it('stop a worker that runs out of memory', async () => {
    // 48 MB is enough for a small workbook (and ts-node, which the worker loads under vitest), not for 30,000 rows.
    expect((await readSheetRows(FIXTURE, undefined, { maxMemoryMb: 48 })).rows).toHaveLength(7);
    expect(await failureOf(readSheetRows(bigWorkbook(), undefined, { maxMemoryMb: 48 }))).toMatchObject({
      status: 400,
      code: 'WorkbookTooLarge',
      message: 'The workbook is too big to read; save the sheet as CSV (UTF-8) and import that',
    });
  });

  it('keep the service responsive while a big workbook is read', async () => {
    const path = bigWorkbook();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      const { rows } = await readSheetRows(path, undefined);
      expect(rows).toHaveLength(30_001);
      expect(rows[30_000]).toEqual({
        line: 30_001,
        cells: ['contact30000@exemple.fr', 'Prénom 30000', 'Nom 30000', '600030000', '45000', 'Lyon', '69000', '45070'],
      });
    } finally {
      clearInterval(ticker);
    }
    // The main thread's event loop kept turning while the worker parsed.
    expect(ticks).toBeGreaterThan(5);
  });

  it('send a sheet back in chunks, one each time the reader takes the previous, never the whole sheet at once', async () => {
    const stream = await streamSheetRows(bigWorkbook(), undefined);
    expect(stream).toMatchObject({ sheet: 'Contacts', rowCount: 30_001 });
    const sizes: number[] = [];
    let nextLine = 1;
    for await (const chunk of stream.chunks) {
      sizes.push(chunk.length);
      expect(chunk.map((row) => row.line)).toEqual(chunk.map((_, i) => nextLine + i));
      nextLine += chunk.length;
    }
    expect(sizes).toEqual([...Array<number>(6).fill(WORKBOOK_CHUNK_ROWS), 1]);

    const small = await streamSheetRows(bigWorkbook(), 'Contacts', undefined, undefined, 1_000);
    const first = await small.chunks.next();
    expect((first.value as unknown[]).length).toBe(1_000);
    // A reader that stops early discards the worker: the stream then ends.
    await small.chunks.return(undefined);
    expect(await small.chunks.next()).toEqual({ done: true, value: undefined });
  });
});
