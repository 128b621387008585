import { BadRequest } from '../../../common/errors';
import { columnCounts, detectSeparator, readSeparator } from './separator';

describe('readSeparator', () => {
  it.each([
    ['tab', '\t'],
    ['TAB', '\t'],
    ['\t', '\t'],
    [';', ';'],
    [',', ','],
    [' ', ' '],
    ['|', '|'],
    ['\\', '\\'],
    ['"', '"'],
  ])('reads %j as %j', (raw, separator) => {
    expect(readSeparator(raw)).toBe(separator);
  });

  it('leaves the separator to detection when none is given', () => {
    expect(readSeparator(undefined)).toBeUndefined();
    expect(readSeparator('')).toBeUndefined();
    expect(readSeparator('auto')).toBeUndefined();
  });

  it('refuses other separators, listing the accepted ones', () => {
    expect(() => readSeparator('#')).toThrow(BadRequest);
    expect(() => readSeparator(';;')).toThrow(
      'The separator ";;" is not supported; use one of: , ; tab   - | * : . & / \\ + "',
    );
  });
});

describe('detectSeparator', () => {
  it.each([
    [';', 'Prénom;Nom;Email\nAnne;Lefort;a@b.fr\nPaul;Morel;p@m.fr\n'],
    [',', 'first_name,last_name,email\nAna,Silva,ana@example.pt\nTom,Baker,\n'],
    ['\t', 'Prénom\tNom\tEmail\r\nAnne\tLefort\ta@b.fr\r\n'],
    ['|', 'email|name|city\na@b.fr|Ann|Paris\nc@d.fr|Cid|Lyon\n'],
  ])('finds %j', (separator, text) => {
    expect(detectSeparator(text)).toBe(separator);
  });

  it('ignores separators inside double quotes, even over line breaks', () => {
    const text = [
      'name;email;groups',
      '"Dupont, Jean";jean@dupont.fr;"clients, vip"',
      '"Martin, Paul";paul@martin.fr;"a,b,c,d"',
      '"Roux, Lina";lina@roux.fr;"multi',
      'line, with, commas"',
    ].join('\n');
    expect(detectSeparator(text)).toBe(';');
    expect(columnCounts(text, ';', 50)).toEqual([3, 3, 3]);
    // With commas, the quote after `;` does not open a quoted field: so its commas count and its line break ends the record.
    expect(columnCounts(text, ',', 50)).toEqual([1, 2, 4, 1]);
  });

  it('keeps semicolons over commas used in addresses and decimal numbers', () => {
    const text = [
      'Nom;Adresse;Montant',
      'A;12, rue de la Paix;12,50',
      'B;3 place Bellecour;8,00',
      'C;1, quai Nord;0,99',
    ];
    expect(detectSeparator(text.join('\r\n'))).toBe(';');
  });

  it('takes a file with no separator for a single column, separated by commas', () => {
    expect(detectSeparator('email\na@b.fr\nc@d.fr\n')).toBe(',');
    expect(detectSeparator('https://example.com\n12:30\n')).toBe(',');
  });

  it('looks past blank lines and lines with trailing separators', () => {
    expect(detectSeparator('\n\nemail;name;\n\na@b.fr;Ann;\nc@d.fr;Cid\n')).toBe(';');
  });

  it('counts a line of separators only', () => {
    expect(detectSeparator('\n;;;\n')).toBe(';');
  });

  it('leaves out a last line cut off by the end of the sample', () => {
    expect(columnCounts('a,b,c\nd,e,f\ng,h', ',', 50)).toEqual([3, 3]);
    expect(columnCounts('a,b,c', ',', 50)).toEqual([3]);
  });

  it('looks at the first 50 lines only', () => {
    const text = 'a;b;c\n'.repeat(50) + 'x,y,z,w,v\n'.repeat(200);
    expect(detectSeparator(text)).toBe(';');
  });
});
