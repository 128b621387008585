import { copyTextField, inlineParams, sqlLiteral } from './copy-out';

describe('inlineParams', () => {
  it('puts each value in place as a typed-like-a-parameter literal', () => {
    expect(
      inlineParams(
        `c.zipcode LIKE $1::text AND c.n = $2::bigint AND c.t = ANY($3::text[]) AND c.d >= $4::timestamptz`,
        ["7'5%", 12, ['a', 'b"c', 'd\\e'], new Date('2026-01-02T03:04:05Z')],
      ),
    ).toBe(
      `c.zipcode LIKE '7''5%'::text AND c.n = '12'::bigint AND c.t = ANY( E'{"a","b\\\\"c","d\\\\\\\\e"}'::text[]) ` +
        `AND c.d >= '2026-01-02T03:04:05.000Z'::timestamptz`,
    );
  });

  it('leaves dollars inside literals and identifiers alone, and refuses a missing value', () => {
    expect(inlineParams(`'$1' || "$2" || $1::text`, ['x'])).toBe(`'$1' || "$2" || 'x'::text`);
    expect(() => inlineParams('$2::text', ['x'])).toThrow(/No value for placeholder \$2/);
  });

  it('writes backslashes with the E prefix and null as NULL', () => {
    expect(sqlLiteral('a\\b')).toBe(" E'a\\\\b'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(true)).toBe("'true'");
  });
});

describe('copyTextField', () => {
  it.each([
    ['\\N', null],
    ['plain', 'plain'],
    ['tab\\there', 'tab\there'],
    ['line\\nbreak\\r', 'line\nbreak\r'],
    ['back\\\\slash', 'back\\slash'],
    ['\\x41\\101', 'AA'],
  ])('reads %j as %j', (field, value) => {
    expect(copyTextField(field)).toBe(value);
  });
});
