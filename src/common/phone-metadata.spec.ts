import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import examples from 'libphonenumber-js/examples.mobile.json';
import metadataJson from 'libphonenumber-js/metadata.max.json';
import * as XLSX from '@e965/xlsx';
import { readPhone, readPhoneFromMetadata, readPhoneWithParser } from './phone';

const metadata = metadataJson as unknown as {
  countries: Record<string, [string, string, string, number[], ...unknown[]]>;
};
const EXAMPLES = examples as Record<string, string>;
const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

/** Every cell of the test fixtures that looks like a phone number. */
function fixtureNumbers(): string[] {
  const cells: string[] = [];
  for (const name of readdirSync(FIXTURES)) {
    if (name.endsWith('.csv')) {
      for (const line of readFileSync(join(FIXTURES, name), 'latin1').split(/\r?\n/)) cells.push(...line.split(/[;,]/));
    } else if (name.endsWith('.xlsx')) {
      const book = XLSX.read(readFileSync(join(FIXTURES, name)));
      for (const sheet of Object.values(book.Sheets)) {
        for (const row of XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1 })) cells.push(...row.map(String));
      }
    }
  }
  return [...new Set(cells.map((c) => c.trim()).filter((c) => /^\+?\d[\d\s.\-()/]{3,}$/.test(c)))];
}

/** The calling codes of the fixtures' international numbers, and the tests' default countries. */
const FIXTURE_COUNTRIES = ['FR', 'GB', 'PT', 'CH'];
/** Countries whose calling code is shared, or whose national prefix is read with captures or transforms. */
const TRICKY_COUNTRIES = [
  'US',
  'CA',
  'GG',
  'JE',
  'IM',
  'IT',
  'VA',
  'AU',
  'CX',
  'RU',
  'KZ',
  'AR',
  'BR',
  'MX',
  'RE',
  'YT',
];

function generator(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % below;
  };
}

/** A country's example mobile in the shapes a file holds, then the same with one digit changed, cut or added. */
function shapesOf(country: string, next: (below: number) => number): string[] {
  const [callingCode, , , , , prefix] = metadata.countries[country];
  const national = EXAMPLES[country];
  const trunk = typeof prefix === 'string' ? prefix : '';
  const variants = [national];
  for (let i = 0; i < 4; i++) {
    const digits = national.split('');
    digits[next(digits.length)] = String(next(10));
    variants.push(digits.join(''), national.slice(0, -1 - next(2)), `${national}${next(10)}`);
  }
  return variants.flatMap((n) => [
    n,
    `${trunk}${n}`,
    `+${callingCode}${n}`,
    `00${callingCode}${n}`,
    `+${callingCode} ${trunk}${n}`,
    `${callingCode}${n}`,
    `(${trunk}${n.slice(0, 2)}) ${n.slice(2, 5)}-${n.slice(5)}`,
  ]);
}

function randomDigits(next: (below: number) => number, count: number): string[] {
  const numbers: string[] = [];
  for (let i = 0; i < count; i++) {
    let digits = '';
    for (let length = 4 + next(12); digits.length < length;) digits += String(next(10));
    numbers.push(digits, `+${digits}`, `0${digits}`, `00${digits}`);
  }
  return numbers;
}

/** The numbers that disagree with the parser, as `country number lineType: fast / parser`. */
function disagreements(countries: string[], numbers: string[]): string[] {
  const found: string[] = [];
  for (const country of countries) {
    for (const raw of numbers) {
      for (const lineType of [true, false]) {
        const fast = JSON.stringify(readPhone(raw, country, { lineType }));
        const parser = JSON.stringify(readPhoneWithParser(raw, country, { lineType }));
        if (fast !== parser) found.push(`${country} ${JSON.stringify(raw)} ${lineType}: ${fast} / ${parser}`);
      }
    }
  }
  return found;
}

describe('readPhone from the metadata, against libphonenumber-js parsing', () => {
  it('finds the fixtures phone numbers', () => {
    expect(fixtureNumbers()).toEqual(expect.arrayContaining(['+351912345678', '07700 900123', '612345678']));
  });

  it('agrees on every fixture number, read in every country of the fixtures and the tricky ones', () => {
    expect(disagreements([...FIXTURE_COUNTRIES, ...TRICKY_COUNTRIES], fixtureNumbers())).toEqual([]);
  });

  it('agrees on every country example, in every shape, read in the fixtures countries', () => {
    const next = generator(1);
    const numbers = Object.keys(EXAMPLES).flatMap((country) => shapesOf(country, next).slice(0, 21));
    expect(disagreements(FIXTURE_COUNTRIES, numbers)).toEqual([]);
  });

  it("agrees in every country on its own numbers' shapes and on random digits", () => {
    const next = generator(2);
    const found = Object.keys(EXAMPLES).flatMap((country) =>
      disagreements([country], [...shapesOf(country, next), ...randomDigits(next, 5)]),
    );
    expect(found).toEqual([]);
  });

  it('agrees on random digits in the fixture and tricky countries', () => {
    expect(disagreements([...FIXTURE_COUNTRIES, ...TRICKY_COUNTRIES], randomDigits(generator(3), 200))).toEqual([]);
  });

  it('agrees on trunk prefixes, carrier codes, prefix transforms and shared calling codes', () => {
    const cases = [
      ['BR', ['0 15 11 98765 4321', '90 21 11 98765 4321', '011 98765 4321', '+55 015 11 98765 4321']],
      ['CO', ['03 321 2345678', '0 3212345678']],
      ['AR', ['011 15 2345 6789', '0 341 15 123 4567', '+54 9 11 2345 6789']],
      ['AG', ['4601234', '1 268 460 1234']],
      ['GG', ['781123', '07781 123456']],
      ['JE', ['07797 123456']],
      ['US', ['1 201 555 0123', '201 555 0123']],
      ['CA', ['1 604 555 0123']],
      ['RU', ['8 912 345 67 89', '8294525632']],
      ['KZ', ['8 771 000 9998']],
      ['BY', ['80145612', '8 029 491 1911']],
      ['ID', ['00303610349690']],
      ['KR', ['005610745698']],
      ['RW', ['06763298']],
      ['MX', ['044 55 1234 5678', '01 55 1234 5678']],
      ['AU', ['0412 345 678', '1831 0412345678']],
      ['CX', ['0891 64 1234']],
    ] as const;
    expect(cases.flatMap(([country, numbers]) => disagreements([country], [...numbers]))).toEqual([]);
  });

  it.each([
    ['0612345678', 'FR', '+33612345678', true],
    ['612345678', 'FR', '+33612345678', true],
    ['+33612345678', 'FR', '+33612345678', true],
    ['0142685300', 'FR', '+33142685300', false],
    ['+351912345678', 'FR', '+351912345678', true],
    ['+41791234567', 'FR', '+41791234567', true],
    ['07400123456', 'GB', '+447400123456', true],
    ['+12015550123', 'FR', '+12015550123', true],
  ])('answers %s (%s) itself, without the parser', (raw, country, e164, isMobile) => {
    expect(readPhoneFromMetadata(raw, country)).toEqual({ e164, isMobile });
  });

  it.each([
    ['0712345678', 'FR'],
    ['712345678', 'FR'],
  ])('answers %s (%s) as invalid itself', (raw, country) => {
    expect(readPhoneFromMetadata(raw, country)).toBeUndefined();
  });

  it.each([
    ['33612345678', 'FR'], // national digits starting with the calling code: the parser may read them as international
    ['+800 1234 5678', 'FR'], // a non-geographic calling code
    ['٠٦١٢٣٤٥٦٧٨', 'FR'], // Arabic-Indic digits
    ['0612345678', 'ZZ'], // an unknown country
  ])('leaves %s (%s) to the parser', (raw, country) => {
    expect(readPhoneFromMetadata(raw.replace(/\s/g, ''), country)).toBe('unsure');
  });
});
