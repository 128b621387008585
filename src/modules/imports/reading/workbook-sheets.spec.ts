import { readFileSync } from 'node:fs';
import * as XLSX from '@e965/xlsx';
import { encryptedWorkbook, fixture, workbook } from '../../../../test/fixtures/generated-files';
import { cellText, readWorkbookBuffer, sheetRows } from './workbook-sheets';

/** Parsed as the worker parses them, on this thread: the rules of cell text, without a worker's start-up cost. */
function typedSheet(): XLSX.WorkSheet {
  const sheet = XLSX.utils.aoa_to_sheet([['Nom', 'Naissance', 'Inscrit', 'Points', 'Double', 'Mobile', 'Actif']]);
  Object.assign(sheet, {
    A2: { t: 's', v: 'Zoé' },
    B2: { t: 'n', v: 31118, z: 'dd/mm/yyyy' }, // 12 March 1985, typed in a French sheet
    C2: { t: 'n', v: 45366.5, z: 'm/d/yy h:mm' }, // Excel's locale date and time
    D2: { t: 'n', v: 1234.5, z: '#,##0.00' },
    E2: { t: 'n', v: 2469, f: 'D2*2' },
    F2: { t: 'n', v: 612345678 },
    G2: { t: 'b', v: true },
    A4: { t: 's', v: 'Noël' },
    B4: { t: 'n', v: 31118, z: 'm/d/yy' }, // Excel's locale short date
    F4: { t: 'n', v: 33612345678 },
    G4: { t: 'b', v: false },
  });
  sheet['!ref'] = 'A1:G4';
  return sheet;
}

describe('readWorkbookBuffer (on this thread)', () => {
  const typed = workbook({ Contacts: typedSheet(), Vide: XLSX.utils.aoa_to_sheet([]) });

  it('lists the sheets with row counts and first rows, blank rows skipped, spreadsheet row numbers kept', () => {
    expect(readWorkbookBuffer(typed, { path: '', firstRows: 20, want: 'sheets' })).toEqual({
      kind: 'sheets',
      sheets: [
        {
          name: 'Contacts',
          hidden: false,
          rowCount: 3,
          firstRows: [
            { line: 1, cells: ['Nom', 'Naissance', 'Inscrit', 'Points', 'Double', 'Mobile', 'Actif'] },
            { line: 2, cells: ['Zoé', '12/03/1985', '2024-03-15 12:00', '1,234.50', '2469', '612345678', 'TRUE'] },
            { line: 4, cells: ['Noël', '1985-03-12', '', '', '', '33612345678', 'FALSE'] },
          ],
        },
        { name: 'Vide', hidden: false, rowCount: 0, firstRows: [] },
      ],
    });
  });

  it('reads the fixture workbook', () => {
    const reply = readWorkbookBuffer(readFileSync(fixture('espace-pro-clients.xlsx')), {
      path: '',
      firstRows: 2,
      want: 'rows',
      sheet: 'feuille 1',
    });
    expect(reply).toMatchObject({ kind: 'rows', sheet: 'feuille 1' });
    if (reply.kind !== 'rows') return;
    expect(reply.rows).toHaveLength(7);
    expect(reply.rows[2]).toEqual({ line: 3, cells: ['Amaury', 'Bert', 'ab@kiween.com', '0612345678', 'vip, pro'] });
  });

  it('tells a missing sheet, an empty sheet, an encrypted or a corrupt workbook', () => {
    const request = { path: '', firstRows: 0, want: 'rows' } as const;
    expect(readWorkbookBuffer(typed, { ...request, sheet: 'Feuil1' })).toEqual({
      kind: 'sheetNotFound',
      sheet: 'Feuil1',
      sheets: ['Contacts', 'Vide'],
    });
    expect(readWorkbookBuffer(typed, { ...request, sheet: 'Vide' })).toEqual({ kind: 'emptySheet', sheet: 'Vide' });
    expect(readWorkbookBuffer(encryptedWorkbook(), { ...request, sheet: null })).toEqual({ kind: 'encrypted' });
    const corrupt = Buffer.from(typed);
    corrupt.fill(0x41, 200, 2000);
    expect(readWorkbookBuffer(corrupt, { ...request, sheet: null })).toMatchObject({ kind: 'unreadable' });
  });

  it('defaults to the first visible sheet with data', () => {
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([]), 'Vide');
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['cachée']]), 'Cachée');
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['email'], ['a@b.fr']]), 'Contacts');
    book.Workbook = { Sheets: [{ name: 'Vide' }, { name: 'Cachée', Hidden: 1 }, { name: 'Contacts' }] };
    const buffer = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
    expect(readWorkbookBuffer(buffer, { path: '', firstRows: 0, want: 'rows', sheet: null })).toEqual({
      kind: 'rows',
      sheet: 'Contacts',
      rows: [
        { line: 1, cells: ['email'] },
        { line: 2, cells: ['a@b.fr'] },
      ],
    });
    const sheets = readWorkbookBuffer(buffer, { path: '', firstRows: 0, want: 'sheets' });
    expect(sheets.kind === 'sheets' && sheets.sheets.map((sheet) => [sheet.name, sheet.hidden])).toEqual([
      ['Vide', false],
      ['Cachée', true],
      ['Contacts', false],
    ]);
  });
});

describe('readWorkbookBuffer with a head', () => {
  const rowsOf = (reply: ReturnType<typeof readWorkbookBuffer>) => (reply.kind === 'rows' ? reply.rows : []);
  const contacts = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => [`c${from + i}@exemple.fr`, `Nom ${from + i}`]);

  it('reads only the first rows of a long sheet, the same as a full read', () => {
    const long = workbook({ Contacts: XLSX.utils.aoa_to_sheet([['email', 'nom'], ...contacts(1, 3000)]) });
    const full = rowsOf(readWorkbookBuffer(long, { path: '', firstRows: 0, want: 'rows', sheet: 'Contacts' }));
    const head = rowsOf(readWorkbookBuffer(long, { path: '', firstRows: 0, want: 'rows', sheet: null, head: 3 }));
    expect(full).toHaveLength(3001);
    expect(head.length).toBeGreaterThanOrEqual(3);
    expect(head.length).toBeLessThan(3001);
    expect(head).toEqual(full.slice(0, head.length));
  });

  it('reads the whole sheet when blank rows push its data past the part first parsed', () => {
    const sheet = XLSX.utils.sheet_add_aoa(XLSX.utils.aoa_to_sheet([]), [['email', 'nom'], ...contacts(1, 2)], {
      origin: 'A1500',
    });
    const late = workbook({ Late: sheet, Next: XLSX.utils.aoa_to_sheet([['autre'], ['x@y.fr']]) });
    for (const sheetName of ['Late', null]) {
      expect(readWorkbookBuffer(late, { path: '', firstRows: 0, want: 'rows', sheet: sheetName, head: 2 })).toEqual({
        kind: 'rows',
        sheet: 'Late',
        rows: [
          { line: 1500, cells: ['email', 'nom'] },
          { line: 1501, cells: ['c1@exemple.fr', 'Nom 1'] },
          { line: 1502, cells: ['c2@exemple.fr', 'Nom 2'] },
        ],
      });
    }
  });
});

describe('sheetRows', () => {
  it('starts at the first column of the sheet range and numbers rows as the spreadsheet does', () => {
    const sheet = XLSX.utils.sheet_add_aoa({}, [['email', 'name'], [], ['a@b.fr', 'Ann']], { origin: 'C3' });
    sheet['!ref'] = 'C3:D5'; // as Excel records it for data starting in C3
    expect(sheetRows(sheet)).toEqual([
      { line: 3, cells: ['email', 'name'] },
      { line: 5, cells: ['a@b.fr', 'Ann'] },
    ]);
    expect(sheetRows(XLSX.utils.aoa_to_sheet([]))).toEqual([]);
  });
});

describe('cellText', () => {
  it.each([
    ['a missing cell', undefined, ''],
    ['a string', { t: 's', v: ' Zoé ' }, ' Zoé '],
    ['an error', { t: 'e', v: 7, w: '#DIV/0!' }, '#DIV/0!'],
    ['a whole number in General', { t: 'n', v: 612345678, w: '612345678' }, '612345678'],
    [
      'a long whole number in General',
      { t: 'n', v: 123456789012345, z: 'General', w: '1.23457E+14' },
      '123456789012345',
    ],
    ['a decimal number in General', { t: 'n', v: 0.125, z: 'General', w: '0.125' }, '0.125'],
    ['a percentage', { t: 'n', v: 0.5, z: '0%', w: '50%' }, '50%'],
    ['a custom date', { t: 'n', v: 31118, z: 'dd/mm/yyyy', w: '12/03/1985' }, '12/03/1985'],
    ['a locale short date', { t: 'n', v: 31118, z: 'm/d/yy', w: '3/12/85' }, '1985-03-12'],
    ['a time', { t: 'n', v: 0.75, z: 'h:mm', w: '18:00' }, '18:00'],
    ['a boolean', { t: 'b', v: false }, 'FALSE'],
  ] as [string, XLSX.CellObject | undefined, string][])('reads %s', (_name, cell, text) => {
    expect(cellText(cell)).toBe(text);
  });

  it('counts dates from 1904 in workbooks that do', () => {
    expect(cellText({ t: 'n', v: 29656, z: 'm/d/yy' }, true)).toBe('1985-03-12');
  });
});
