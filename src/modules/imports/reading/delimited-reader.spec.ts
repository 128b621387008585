import * as iconv from 'iconv-lite';
import { failureOf, fixture, GeneratedFiles } from '../../../../test/fixtures/generated-files';
import { inspectDelimitedFile, readDelimitedRows, SAMPLE_BYTES, type DelimitedOptions } from './delimited-reader';
import { trimTrailingEmpty, type FileRow } from './file-row';

const files = new GeneratedFiles();
afterAll(() => files.remove());

async function rowsOf(path: string, options: DelimitedOptions = {}): Promise<FileRow[]> {
  const rows: FileRow[] = [];
  for await (const row of readDelimitedRows(path, options)) rows.push(row);
  return rows;
}

describe('readDelimitedRows and inspectDelimitedFile', () => {
  it('read an Excel export in Windows-1252 with semicolons and trailing separators', async () => {
    const inspection = await inspectDelimitedFile(fixture('excel-fr-cp1252.csv'));
    expect(inspection.encoding).toBe('Windows-1252');
    expect(inspection.separator).toBe(';');
    expect(inspection.rowCount).toBe(6);
    const [header, helene, , , , agnes] = inspection.firstRows;
    expect(header).toEqual({
      line: 1,
      cells: ['Prénom', 'Nom', 'Adresse e-mail', 'Mobile', 'Code postal', 'Ville', 'Date de naissance', ''],
    });
    expect(helene.cells.slice(0, 4)).toEqual(['Hélène', 'Béranger', 'helene.beranger@orange.fr', '612345678']);
    // œ is 0x9C: a Windows-1252 character that ISO-8859-1 does not have.
    expect(agnes).toEqual({ line: 6, cells: ['Agnès', 'Dubœuf', 'agnes@@laposte.net', '', '59000', 'Lille', '', ''] });
    expect(trimTrailingEmpty(agnes.cells, 7)).toHaveLength(7);
  });

  it('read UTF-8 with commas and a quoted value holding commas', async () => {
    const rows = await rowsOf(fixture('sms-contacts.csv'));
    expect(rows).toHaveLength(5);
    expect(rows[1]).toEqual({
      line: 2,
      cells: ['Ana', 'Silva', '+351912345678', 'ana@example.pt', 'yes', 'clients,portugal'],
    });
    expect(rows[3].cells).toEqual(['Lea', 'Huber', '+41 79 123 45 67', 'lea@example.ch', 'no', '']);
    const inspection = await inspectDelimitedFile(fixture('liste-valeurs-x.csv'));
    expect(inspection).toMatchObject({ encoding: 'UTF-8', separator: ';', rowCount: 5 });
    expect(inspection.firstRows[4].cells).toEqual(['email4@domaine.com', 'Marc', 'Blanc', 'x', 'X', 'X', 'Peut-être']);
  });

  it('drop a UTF-8 byte order mark from the first cell', async () => {
    const path = files.write('bom.csv', '\ufeffEmail;Prénom\r\nzoe@example.fr;Zoé\r\n');
    const inspection = await inspectDelimitedFile(path);
    expect(inspection.encoding).toBe('UTF-8');
    expect(inspection.firstRows.map((row) => row.cells)).toEqual([
      ['Email', 'Prénom'],
      ['zoe@example.fr', 'Zoé'],
    ]);
  });

  it('read Excel "Unicode text": UTF-16 LE with BOM, tab separated; and UTF-16 BE with BOM', async () => {
    const text = 'Prénom\tNom\tEmail\r\nHélène\tBéranger\th@b.fr\r\nNoël\tGarçon\tn@g.fr\r\n';
    const littleEndian = files.write(
      'unicode.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const bigEndian = files.write('unicode-be.txt', iconv.encode(text, 'utf-16be', { addBOM: true }));
    for (const path of [littleEndian, bigEndian]) {
      const inspection = await inspectDelimitedFile(path);
      expect(inspection).toMatchObject({ encoding: 'Unicode', separator: '\t', rowCount: 3 });
      expect(inspection.firstRows[2]).toEqual({ line: 3, cells: ['Noël', 'Garçon', 'n@g.fr'] });
    }
    expect((await rowsOf(littleEndian, { encoding: 'Unicode' }))[1].cells).toEqual(['Hélène', 'Béranger', 'h@b.fr']);
  });

  it('read ISO-8859-15 when asked, euro sign included', async () => {
    const path = files.write('latin9.csv', iconv.encode('Nom|Montant\nŒuvre|10 €\n', 'iso-8859-15'));
    expect(await rowsOf(path, { encoding: 'ISO-8859-15' })).toEqual([
      { line: 1, cells: ['Nom', 'Montant'] },
      { line: 2, cells: ['Œuvre', '10 €'] },
    ]);
    // Detected, the same bytes read as Windows-1252, which has no € at 0xA4.
    expect((await inspectDelimitedFile(path)).encoding).toBe('Windows-1252');
  });

  it('use the separator asked for over the detected one', async () => {
    const path = files.write('asked.csv', 'a;b,c\nd;e,f\n');
    expect((await rowsOf(path))[0].cells).toEqual(['a', 'b,c']);
    expect((await rowsOf(path, { separator: ',' }))[0].cells).toEqual(['a;b', 'c']);
    expect((await rowsOf(path, { separator: '"' }))[0].cells).toEqual(['a;b,c']);
  });

  it('keep line numbers right after quoted values with separators and line breaks, and blank lines', async () => {
    const path = files.write(
      'quoted.csv',
      [
        'email;note;city', // 1
        '', // 2
        'a@b.fr;"two', // 3
        'lines; with ""quotes""";Paris', // 4
        '   ', // 5: white space only
        ';;', // 6: separators only
        'c@d.fr;"three', // 7
        '', // 8
        'lines";Lyon', // 9
        'e@f.fr;plain;Nice', // 10
      ].join('\r\n'),
    );
    expect(await rowsOf(path)).toEqual([
      { line: 1, cells: ['email', 'note', 'city'] },
      { line: 3, cells: ['a@b.fr', 'two\nlines; with "quotes"', 'Paris'] },
      { line: 7, cells: ['c@d.fr', 'three\n\nlines', 'Lyon'] },
      { line: 10, cells: ['e@f.fr', 'plain', 'Nice'] },
    ]);
  });

  it('count lines ended by a carriage return alone (classic Mac exports), blank ones included', async () => {
    const path = files.write('mac.csv', 'email;note\ra@b.fr;"two\rlines"\r\rc@d.fr;one\r');
    expect(await rowsOf(path)).toEqual([
      { line: 1, cells: ['email', 'note'] },
      { line: 2, cells: ['a@b.fr', 'two\rlines'] },
      { line: 5, cells: ['c@d.fr', 'one'] },
    ]);
  });

  it('keep cells as parsed: trailing separators give empty cells, rows may be shorter or longer', async () => {
    const path = files.write('ragged.csv', 'email,name,\na@b.fr,Ann,,\nc@d.fr\n');
    const rows = await rowsOf(path);
    expect(rows.map((row) => row.cells)).toEqual([['email', 'name', ''], ['a@b.fr', 'Ann', '', ''], ['c@d.fr']]);
    expect(trimTrailingEmpty(rows[1].cells, 2)).toEqual(['a@b.fr', 'Ann']);
    expect(trimTrailingEmpty(rows[2].cells, 2)).toEqual(['c@d.fr']);
  });

  it('return a header-only file as one row, and a single-column file as one cell per row', async () => {
    expect(await inspectDelimitedFile(files.write('header.csv', 'email;name;city\r\n'))).toEqual({
      encoding: 'UTF-8',
      separator: ';',
      rowCount: 1,
      firstRows: [{ line: 1, cells: ['email', 'name', 'city'] }],
    });
    const single = await inspectDelimitedFile(files.write('single.txt', 'email\na@b.fr\nc@d.fr'));
    expect(single).toMatchObject({ separator: ',', rowCount: 3 });
    expect(single.firstRows[2]).toEqual({ line: 3, cells: ['c@d.fr'] });
  });

  it('stream a large file: count every row, keep 20, cross chunk boundaries with CR LF and accents', async () => {
    const lines = ['email;prénom'];
    for (let i = 1; i <= 20_000; i++) lines.push(`contact${i}@exemple.fr;Hélène-${i}`);
    const path = files.write('large.csv', lines.join('\r\n') + '\r\n');
    expect(lines.join('\r\n').length).toBeGreaterThan(SAMPLE_BYTES * 5);
    const inspection = await inspectDelimitedFile(path);
    expect(inspection.rowCount).toBe(20_001);
    expect(inspection.firstRows).toHaveLength(20);
    let last: FileRow | undefined;
    for await (const row of readDelimitedRows(path)) last = row;
    expect(last).toEqual({ line: 20_001, cells: ['contact20000@exemple.fr', 'Hélène-20000'] });
  });

  it('can be stopped early', async () => {
    const path = files.write('stop.csv', 'a,b\n'.repeat(100_000));
    let seen = 0;
    for await (const row of readDelimitedRows(path)) {
      seen = row.line;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
  });

  it.each([
    ['an empty file', ''],
    ['only blank lines', '\r\n\n   \n;;;\n'],
    ['only a byte order mark', '\ufeff'],
  ])('refuse %s', async (_name, content) => {
    const path = files.write('empty.csv', content);
    expect(await failureOf(inspectDelimitedFile(path))).toMatchObject({
      status: 400,
      code: 'EmptyFile',
      message: 'The file is empty; export your contacts again and upload that file',
    });
  });

  it.each([
    ['a workbook renamed .csv', () => files.write('workbook.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]))],
    [
      'random binary data',
      () => files.write('junk.csv', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 251))),
    ],
  ])('refuse %s as not a text file', async (_name, write) => {
    expect(await failureOf(rowsOf(write()))).toMatchObject({
      code: 'NotATextFile',
      message: 'The file is not a text file; upload a CSV/TXT export or an .xlsx workbook',
    });
  });

  it('refuse a record longer than 1,000,000 characters, naming the line it starts on', async () => {
    const path = files.write('runaway.csv', 'email;note\na@b.fr;"oops\n' + 'x;y\n'.repeat(300_000));
    expect(await failureOf(rowsOf(path))).toMatchObject({
      code: 'MalformedCsv',
      message: expect.stringContaining('The row starting on line 2 is longer than 1000000 characters') as unknown,
    });
  });

  it('name the line of a quote that is never closed', async () => {
    const path = files.write('unclosed.csv', 'email;name\n\na@b.fr;Ann\n\nc@d.fr;"Cid\nfoo;bar\n');
    const rows: FileRow[] = [];
    const error = await failureOf(
      (async () => {
        for await (const row of readDelimitedRows(path)) rows.push(row);
      })(),
    );
    expect(rows.map((row) => row.line)).toEqual([1, 3]);
    expect(error).toMatchObject({
      status: 400,
      code: 'MalformedCsv',
      message: expect.stringContaining('The quoted value starting on line 5 is never closed') as unknown,
      details: [{ line: 5, message: 'Quote not closed' }],
    });
  });
});
