import * as iconv from 'iconv-lite';
import { Transform, type TransformCallback } from 'node:stream';
import { importFileErrors } from './import-file-errors';

/** The encodings the API accepts, as it names them. `Unicode` is UTF-16 LE, what Excel's "Unicode text" writes. */
export const IMPORT_ENCODINGS = [
  'auto',
  'UTF-8',
  'Unicode',
  'ISO-8859-1',
  'ISO-8859-15',
  'UTF-32',
  'UTF-7',
  'Windows-1252',
] as const;

export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];
/** An encoding a text file is actually read with. */
export type TextEncoding = Exclude<ImportEncoding, 'auto'>;

/** The iconv-lite codec behind each name; the `utf16`/`utf32` codecs honour a BOM of either byte order. */
const CODECS: Record<TextEncoding, string> = {
  'UTF-8': 'utf8',
  Unicode: 'utf16',
  'ISO-8859-1': 'latin1',
  'ISO-8859-15': 'iso-8859-15',
  'UTF-32': 'utf32',
  'UTF-7': 'utf7',
  'Windows-1252': 'windows-1252',
};

/** The canonical name for `raw` (any case); `auto` when absent. */
export function readEncodingName(raw: string | null | undefined): ImportEncoding {
  if (raw == null || raw.trim() === '') return 'auto';
  const wanted = raw.trim().toLowerCase();
  const found = IMPORT_ENCODINGS.find((name) => name.toLowerCase() === wanted);
  if (!found) throw importFileErrors.unsupportedEncoding(raw, IMPORT_ENCODINGS);
  return found;
}

export interface DetectedEncoding {
  encoding: TextEncoding;
  /** The exact codec to decode with, e.g. `utf-16be` for a BOM-less big-endian file. */
  codec: string;
  /** How the encoding was chosen: asked for, or recognised from a byte order mark or from the content. */
  by: 'asked' | 'bom' | 'content';
}

/** Recognise the encoding of a file from its first bytes (`auto`). */
export function detectEncoding(sample: Buffer): DetectedEncoding {
  const bom = (...bytes: number[]) => bytes.every((byte, i) => sample[i] === byte);
  if (bom(0xef, 0xbb, 0xbf)) return { encoding: 'UTF-8', codec: 'utf8', by: 'bom' };
  if (bom(0xff, 0xfe, 0x00, 0x00)) return { encoding: 'UTF-32', codec: 'utf32', by: 'bom' };
  if (bom(0x00, 0x00, 0xfe, 0xff)) return { encoding: 'UTF-32', codec: 'utf32', by: 'bom' };
  if (bom(0xff, 0xfe) || bom(0xfe, 0xff)) return { encoding: 'Unicode', codec: 'utf16', by: 'bom' };

  const wide = wideEncoding(sample);
  if (wide) return { encoding: wide.encoding, codec: wide.codec, by: 'content' };
  if (isUtf8(sample)) return { encoding: 'UTF-8', codec: 'utf8', by: 'content' };
  // Windows-1252 is ISO-8859-1 plus punctuation (’ € œ …) in 0x80–0x9F, which ISO-8859-1 leaves to control codes.
  return { encoding: 'Windows-1252', codec: 'windows-1252', by: 'content' };
}

/** The encoding to read a file with: the one asked for, or the one recognised in `sample` for `auto`. */
export function resolveEncoding(asked: ImportEncoding, sample: Buffer): DetectedEncoding {
  if (asked === 'auto') return detectEncoding(sample);
  return { encoding: asked, codec: CODECS[asked], by: 'asked' };
}

/** BOM-less UTF-16/UTF-32: mostly-ASCII text then has NUL bytes at fixed positions. */
function wideEncoding(sample: Buffer): { encoding: TextEncoding; codec: string } | undefined {
  const length = Math.min(sample.length, 4096) & ~3;
  if (length < 4) return undefined;
  const nulsAt = [0, 0, 0, 0];
  for (let i = 0; i < length; i++) if (sample[i] === 0) nulsAt[i % 4]++;
  const share = nulsAt.map((count) => count / (length / 4));
  const many = (x: number) => x > 0.6;
  const few = (x: number) => x < 0.1;
  if (few(share[0]) && many(share[1]) && many(share[2]) && many(share[3]))
    return { encoding: 'UTF-32', codec: 'utf32le' };
  if (many(share[0]) && many(share[1]) && many(share[2]) && few(share[3]))
    return { encoding: 'UTF-32', codec: 'utf32be' };
  const even = (share[0] + share[2]) / 2;
  const odd = (share[1] + share[3]) / 2;
  if (few(even) && odd > 0.3) return { encoding: 'Unicode', codec: 'utf-16le' };
  if (few(odd) && even > 0.3) return { encoding: 'Unicode', codec: 'utf-16be' };
  return undefined;
}

/**
 * Whether `bytes` is valid UTF-8. A multi-byte sequence cut off by the end of the sample still counts:
 * the sample is the first bytes of a longer file.
 */
export function isUtf8(bytes: Buffer): boolean {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    // Well-formed sequences (Unicode table 3-7): the lead byte fixes the length and the range of the 2nd byte.
    let length = 0;
    let [low, high] = [0x80, 0xbf];
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return false;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) return true; // cut off by the end of the sample
      const next = bytes[i + k];
      if (k === 1 ? next < low || next > high : (next & 0xc0) !== 0x80) return false;
    }
    i += length;
  }
  return true;
}

const SIGNATURES: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04], // ZIP (.xlsx, .docx, .zip)
  [0x50, 0x4b, 0x05, 0x06], // empty ZIP
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // OLE compound file (.xls, .doc, encrypted .xlsx)
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x1f, 0x8b], // gzip
  [0x52, 0x61, 0x72, 0x21], // Rar!
  [0x37, 0x7a, 0xbc, 0xaf], // 7z
];

/**
 * Whether the first bytes of a supposed text file are rather a binary file: a known binary signature,
 * NUL bytes (outside UTF-16/32), or many control characters.
 */
export function looksBinary(sample: Buffer, encoding: DetectedEncoding = detectEncoding(sample)): boolean {
  if (SIGNATURES.some((signature) => signature.every((byte, i) => sample[i] === byte))) return true;
  const text = iconv.decode(sample.subarray(0, 8192), encoding.codec);
  if (text.length === 0) return false;
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return true;
    // Tab, line feed, vertical tab, form feed, carriage return and the DOS end-of-file mark are text.
    const isText = code === 0x09 || code === 0x0a || code === 0x0b || code === 0x0c || code === 0x0d || code === 0x1a;
    if ((code < 0x20 && !isText) || code === 0x7f) controls++;
  }
  return controls > 8 && controls / text.length > 0.01;
}

/** A stream turning the file's bytes into text, without the BOM. */
export function decodingStream(encoding: TextEncoding | DetectedEncoding): Transform {
  const codec = typeof encoding === 'string' ? CODECS[encoding] : encoding.codec;
  if (codec === 'utf7') return new Utf7Decoding();
  return iconv.decodeStream(codec, { stripBOM: true }) as unknown as Transform;
}

/**
 * iconv-lite's UTF-7 decoder loses a base64 run that a chunk boundary cuts (its end reads as a literal `+`):
 * it is handed whole lines only, as a line break always ends a base64 run.
 */
class Utf7Decoding extends Transform {
  private static readonly MAX_PENDING = 1024 * 1024;
  private readonly decoder = iconv.getDecoder('utf7', { stripBOM: true });
  private pending = Buffer.alloc(0);

  constructor() {
    super({ encoding: 'utf8' });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = Buffer.concat([this.pending, chunk]);
    const cut = bytes.length > Utf7Decoding.MAX_PENDING ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
    this.pending = bytes.subarray(cut);
    const text = this.decoder.write(bytes.subarray(0, cut));
    if (text !== '') this.push(text);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const text = this.decoder.write(this.pending) + (this.decoder.end() ?? '');
    if (text !== '') this.push(text);
    callback();
  }
}

/** Decode a whole (small) buffer, without the BOM. */
export function decodeText(bytes: Buffer, encoding: TextEncoding | DetectedEncoding): string {
  const codec = typeof encoding === 'string' ? CODECS[encoding] : encoding.codec;
  return iconv.decode(bytes, codec, { stripBOM: true });
}
