import * as iconv from 'iconv-lite';
import { failureOf, fixture, GeneratedFiles } from '../../../../test/fixtures/generated-files';
import type { FileRow } from './file-row';
import { importFileKind, openImportFile } from './import-file';

const files = new GeneratedFiles();
afterAll(() => files.remove());

async function collect(rows: AsyncIterable<FileRow>): Promise<FileRow[]> {
  const all: FileRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('openImportFile', () => {
  it('reads .csv and .txt files as delimited text', async () => {
    const file = openImportFile(fixture('excel-fr-cp1252.csv'), 'Export Clients.CSV');
    expect(file.kind).toBe('delimited');
    const inspection = await file.inspect();
    expect(inspection).toMatchObject({ kind: 'delimited', encoding: 'Windows-1252', separator: ';', rowCount: 6 });
    const rows = await collect(file.rows());
    expect(rows).toHaveLength(6);
    expect(rows[5].cells[1]).toBe('Dubœuf');

    const text = openImportFile(files.write('upload-1', 'email\ta\nb@c.fr\tB\n'), 'contacts.txt');
    expect(await text.inspect()).toMatchObject({ kind: 'delimited', separator: '\t', rowCount: 2 });
  });

  it('passes the encoding and separator asked for', async () => {
    const path = files.write('upload-2', iconv.encode('Nom,Prix\nŒuvre,10 €\n', 'iso-8859-15'));
    const rows = await collect(openImportFile(path, 'prix.csv', { encoding: 'ISO-8859-15', separator: ';' }).rows());
    expect(rows[1]).toEqual({ line: 2, cells: ['Œuvre,10 €'] });
  });

  it('reads .xlsx files as workbooks', async () => {
    const file = openImportFile(fixture('espace-pro-clients.xlsx'), 'clients.xlsx');
    expect(file.kind).toBe('workbook');
    const inspection = await file.inspect();
    expect(inspection.kind).toBe('workbook');
    if (inspection.kind !== 'workbook') return;
    expect(inspection.sheets.map((sheet) => [sheet.name, sheet.rowCount])).toEqual([
      ['feuille 1', 7],
      ['notes', 2],
    ]);
    expect(await collect(file.rows('notes'))).toEqual([
      { line: 1, cells: ['Notes'] },
      { line: 2, cells: ['ne pas importer'] },
    ]);
    expect((await collect(file.rows()))[0].cells[0]).toBe('Prénom');
  });

  it('refuses other file types, listing the accepted ones', () => {
    expect(() => openImportFile(fixture('sms-contacts.csv'), 'contacts.pdf')).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'UnsupportedFileType',
        message: '"contacts.pdf" is not a file type we can import; upload one of: .csv, .txt, .xlsx, .xls',
      }),
    );
    expect(() => importFileKind('contacts')).toThrow('is not a file type we can import');
    expect(() => importFileKind('contacts.csv.zip')).toThrow('is not a file type we can import');
    expect(importFileKind('contacts.XLS')).toBe('workbook');
  });

  it('goes by the content once the extension is accepted', async () => {
    const workbookAsCsv = openImportFile(fixture('espace-pro-clients.xlsx'), 'clients.csv');
    expect(await failureOf(workbookAsCsv.inspect())).toMatchObject({ code: 'NotATextFile' });
    const csvAsWorkbook = openImportFile(fixture('sms-contacts.csv'), 'contacts.xlsx');
    expect(await failureOf(csvAsWorkbook.inspect())).toMatchObject({ code: 'UnreadableWorkbook' });
    expect(await failureOf(collect(csvAsWorkbook.rows()))).toMatchObject({ code: 'UnreadableWorkbook' });
  });
});
