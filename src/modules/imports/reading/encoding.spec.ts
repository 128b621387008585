import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as iconv from 'iconv-lite';
import { fixture } from '../../../../test/fixtures/generated-files';
import { BadRequest } from '../../../common/errors';
import { decodeText, decodingStream, detectEncoding, isUtf8, looksBinary, readEncodingName } from './encoding';

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => Buffer.from(utf16le(text).swap16());

async function decodeInChunks(bytes: Buffer, encoding: Parameters<typeof decodingStream>[0]): Promise<string> {
  // One byte at a time: multi-byte characters and BOMs are split across chunks.
  const chunks = [...bytes].map((byte) => Buffer.from([byte]));
  let text = '';
  for await (const chunk of Readable.from(chunks).pipe(decodingStream(encoding))) text += String(chunk);
  return text;
}

describe('readEncodingName', () => {
  it.each([
    ['utf-8', 'UTF-8'],
    ['UNICODE', 'Unicode'],
    ['windows-1252', 'Windows-1252'],
    ['iso-8859-15', 'ISO-8859-15'],
    ['Auto', 'auto'],
    ['utf-7', 'UTF-7'],
  ])('reads %s as %s', (raw, canonical) => {
    expect(readEncodingName(raw)).toBe(canonical);
  });

  it('defaults to auto', () => {
    expect(readEncodingName(undefined)).toBe('auto');
    expect(readEncodingName('')).toBe('auto');
  });

  it('refuses other names, listing the accepted ones', () => {
    expect(() => readEncodingName('EBCDIC')).toThrow(BadRequest);
    expect(() => readEncodingName('EBCDIC')).toThrow(
      'The encoding "EBCDIC" is not supported; use one of: auto, UTF-8, Unicode, ISO-8859-1, ISO-8859-15, UTF-32, UTF-7, Windows-1252',
    );
    try {
      readEncodingName('latin-9');
    } catch (error) {
      expect(error).toMatchObject({ code: 'UnsupportedEncoding', status: 400 });
    }
  });
});

describe('detectEncoding', () => {
  it('recognises byte order marks', () => {
    expect(detectEncoding(Buffer.from('\ufeffNom;Prénom', 'utf8'))).toMatchObject({ encoding: 'UTF-8', by: 'bom' });
    expect(detectEncoding(utf16le('Nom\tPrénom'))).toMatchObject({ encoding: 'Unicode', by: 'bom' });
    expect(detectEncoding(utf16be('Nom\tPrénom'))).toMatchObject({ encoding: 'Unicode', by: 'bom' });
    expect(detectEncoding(iconv.encode('Nom;Prénom', 'utf32le', { addBOM: true }))).toMatchObject({
      encoding: 'UTF-32',
      by: 'bom',
    });
  });

  it('takes ASCII and valid UTF-8 for UTF-8', () => {
    expect(detectEncoding(Buffer.from('email;name\na@b.fr;Ann\n'))).toMatchObject({ encoding: 'UTF-8', by: 'content' });
    expect(detectEncoding(readFileSync(fixture('liste-valeurs-x.csv'))).encoding).toBe('UTF-8');
  });

  it('still takes UTF-8 cut in the middle of a character at the end of the sample', () => {
    const bytes = Buffer.from('Prénom;Ville\nZoé;Orléans\nNoël;Besançon €');
    const cut = bytes.subarray(0, bytes.length - 1); // the euro sign is 3 bytes: 2 are left
    expect(detectEncoding(cut).encoding).toBe('UTF-8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 2)).encoding).toBe('UTF-8');
  });

  it('takes 8-bit text that is not UTF-8 for Windows-1252', () => {
    expect(detectEncoding(readFileSync(fixture('excel-fr-cp1252.csv')))).toMatchObject({
      encoding: 'Windows-1252',
      by: 'content',
    });
    expect(detectEncoding(iconv.encode('Prénom;Nom\nÉlise;Noël', 'latin1')).encoding).toBe('Windows-1252');
  });

  it('recognises UTF-16 without a byte order mark by its NUL bytes', () => {
    const text = 'Prénom\tNom\r\nHélène\tBéranger\r\n';
    expect(detectEncoding(Buffer.from(text, 'utf16le'))).toEqual({
      encoding: 'Unicode',
      codec: 'utf-16le',
      by: 'content',
    });
    expect(detectEncoding(Buffer.from(text, 'utf16le').swap16())).toEqual({
      encoding: 'Unicode',
      codec: 'utf-16be',
      by: 'content',
    });
  });
});

describe('isUtf8', () => {
  it.each([
    ['overlong slash', [0x2f, 0xc0, 0xaf]],
    ['overlong 3-byte', [0xe0, 0x80, 0xaf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['lone continuation byte', [0x41, 0x80, 0x41]],
    ['Latin-1 é followed by ASCII', [0x43, 0x61, 0x66, 0xe9, 0x3b]],
  ])('refuses %s', (_name, bytes) => {
    expect(isUtf8(Buffer.from(bytes))).toBe(false);
  });

  it('accepts 2, 3 and 4 byte characters', () => {
    expect(isUtf8(Buffer.from('é € 😀 œ'))).toBe(true);
  });
});

describe('looksBinary', () => {
  it.each([
    ['a ZIP (.xlsx renamed .csv)', readFileSync(fixture('espace-pro-clients.xlsx'))],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['NUL bytes in 8-bit text', Buffer.from('email;name\0\0\0\0a@b.fr;Ann\0\0\0\n'.repeat(10), 'latin1')],
    ['many control characters', Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256))],
  ])('is true for %s', (_name, bytes) => {
    expect(looksBinary(bytes)).toBe(true);
  });

  it.each([
    ['Windows-1252 text', readFileSync(fixture('excel-fr-cp1252.csv'))],
    ['UTF-16 text, with BOM', utf16le('Prénom\tNom\r\nHélène\tBéranger\r\n')],
    ['UTF-16 text, without BOM', Buffer.from('Prénom\tNom\r\nHélène\tBéranger\r\n', 'utf16le')],
    ['text with tabs and form feeds', Buffer.from('a\tb\fc\r\n\x1a')],
  ])('is false for %s', (_name, bytes) => {
    expect(looksBinary(bytes)).toBe(false);
  });
});

describe('decodingStream', () => {
  it('decodes UTF-8 and drops its BOM, even when characters are split across chunks', async () => {
    expect(await decodeInChunks(Buffer.from('\ufeffPrénom;Dubœuf €'), 'UTF-8')).toBe('Prénom;Dubœuf €');
  });

  it('decodes Unicode as UTF-16 LE, and honours a big-endian BOM', async () => {
    expect(await decodeInChunks(utf16le('Prénom\tNoël'), 'Unicode')).toBe('Prénom\tNoël');
    expect(await decodeInChunks(utf16be('Prénom\tNoël'), 'Unicode')).toBe('Prénom\tNoël');
    expect(await decodeInChunks(Buffer.from('Prénom\tNoël', 'utf16le'), 'Unicode')).toBe('Prénom\tNoël');
  });

  it('tells ISO-8859-15 (euro sign) from ISO-8859-1 (currency sign) and Windows-1252', async () => {
    const bytes = iconv.encode('Prix : 10 € œuvre', 'iso-8859-15');
    expect(await decodeInChunks(bytes, 'ISO-8859-15')).toBe('Prix : 10 € œuvre');
    expect(await decodeInChunks(bytes, 'ISO-8859-1')).toBe('Prix : 10 ¤ ½uvre');
    expect(await decodeInChunks(Buffer.from([0x80, 0x9c, 0x92]), 'Windows-1252')).toBe('€œ’');
  });

  it('decodes UTF-32 and UTF-7', async () => {
    expect(await decodeInChunks(iconv.encode('Zoé', 'utf32le', { addBOM: true }), 'UTF-32')).toBe('Zoé');
    // Split into single bytes, a base64 run spans chunks.
    expect(await decodeInChunks(Buffer.from('Zo+AOk-\nNo+AOs-l', 'ascii'), 'UTF-7')).toBe('Zoé\nNoël');
  });

  it('decodes with the codec detected', () => {
    const bytes = Buffer.from('Nom\tVille\r\nNoël\tSète', 'utf16le').swap16();
    expect(decodeText(bytes, detectEncoding(bytes))).toBe('Nom\tVille\r\nNoël\tSète');
  });
});
