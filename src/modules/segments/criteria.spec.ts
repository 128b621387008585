import { FieldCatalogue } from '../fields/field-catalogue';
import {
  addDays,
  anniversaryDays,
  compileCriteria,
  CriteriaContext,
  dayIn,
  directSegmentIds,
  referencedIds,
} from './criteria';
import { criteriaCatalogue } from './criteria-catalogue';

const created = new Date('2026-01-01T00:00:00Z');
const catalogue = new FieldCatalogue(
  [
    { id: 11, name: 'Ville', description: '', format: 'ShortText', options: '', createdAt: created },
    { id: 12, name: 'Score', description: '', format: 'Number', options: '', createdAt: created },
    { id: 13, name: 'Visite', description: '', format: 'DateTime', options: 'dd.mm.yyyy', createdAt: created },
    { id: 14, name: 'Taille', description: '', format: 'SingleSelection', options: 'false', createdAt: created },
    { id: 15, name: 'Centres', description: '', format: 'MultipleSelection', options: 'false', createdAt: created },
  ],
  [
    { id: 101, fieldId: 14, text: 'S', position: 1, createdAt: created },
    { id: 102, fieldId: 14, text: 'M', position: 2, createdAt: created },
    { id: 201, fieldId: 15, text: 'Perle', position: 1, createdAt: created },
    { id: 202, fieldId: 15, text: 'Diamant', position: 2, createdAt: created },
  ],
);

const context = (over: Partial<CriteriaContext> = {}): CriteriaContext => ({
  catalogue,
  segments: new Map([
    [1, { name: 'Tous les contacts', tree: { all: [] } }],
    [1001, { name: 'A', tree: { inSegment: 1002 } }],
    [1002, { name: 'B', tree: { inSegment: 1001 } }],
    [1003, { name: 'Paris', tree: { field: 'city', op: 'equals', value: 'Paris' } }],
    [1004, { name: 'Broken', tree: { field: '99', op: 'equals', value: 'x' } }],
  ]),
  groups: new Set([7]),
  imports: new Set([9]),
  timezone: 'Europe/Paris',
  activityDays: 180,
  now: new Date('2026-12-01T10:00:00Z'),
  ...over,
});

const compile = (tree: unknown, over: Partial<CriteriaContext> = {}, self?: number) =>
  compileCriteria(tree, context(over), { alias: 'c', firstParam: 2, self });

const errorsOf = (tree: unknown, self?: number) => {
  const result = compile(tree, {}, self);
  if (result.ok) throw new Error(`expected errors, compiled to ${result.sql}`);
  return result.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('compileCriteria: errors name the criterion by its path', () => {
  it('refuses an operator the format does not take, as the issue words it', () => {
    expect(
      errorsOf({
        all: [
          { field: 'city', op: 'equals', value: 'a' },
          { field: 'city', op: 'equals', value: 'b' },
          { any: [{ field: '12', op: 'startsWith', value: '1' }] },
        ],
      }),
    ).toEqual([
      'all[2].any[0]: operator startsWith is not valid for Number field "Score"; use one of equals, notEquals, greaterThan, lessThan, between, isEmpty, isNotEmpty',
    ]);
  });

  it('lists every problem of a tree, not only the first', () => {
    const errors = errorsOf({
      any: [
        { field: 'nope', op: 'equals', value: 'x' },
        { field: '14', op: 'equals', value: 'XL' },
        { field: '13', op: 'on', value: '01/02/2026' },
        { not: { field: 'emailstatus', op: 'equals', value: 'bounced' } },
        { field: 'firstname', op: 'equals' },
        { field: '15', op: 'hasAny', values: [] },
        { field: 'creationdate', op: 'inLastDays', value: 0 },
      ],
    });
    expect(errors).toEqual([
      'any[0]: unknown field "nope"; use a built-in key or a custom field id (GET /segments/fields lists them)',
      'any[1]: "XL" is not a value of SingleSelection field "Taille" (values: 101 "S", 102 "M")',
      'any[2]: DateTime field "Visite" takes dates written yyyy-MM-dd, not "01/02/2026"',
      'any[3].not: "bounced" is not a value of EmailStatus field "Email status"; use one of unknown, valid, absent, soft, rejected, badalias, baddomain, badsyntax, hard, soft',
      'any[4]: operator equals takes one "value" for ShortText field "First name"',
      'any[5]: operator hasAny takes a non-empty "values" list for MultipleSelection field "Centres"',
      'any[6]: operator inLastDays takes a whole number of days (1 to 36500), not 0',
    ]);
  });

  it('refuses values of the wrong type', () => {
    expect(errorsOf({ field: '12', op: 'greaterThan', value: 'ten' })).toEqual([
      'root: Number field "Score" takes numbers, not "ten"',
    ]);
    expect(errorsOf({ field: 'city', op: 'equals', value: { $ne: 1 } })).toEqual([
      'root: ShortText field "City" takes text values, not {"$ne":1}',
    ]);
    expect(errorsOf({ field: 'emailoptinpartners', op: 'equals', value: 'maybe' })).toEqual([
      'root: Boolean field "Email partner offers" takes true or false, not "maybe"',
    ]);
  });

  it('refuses malformed nodes', () => {
    expect(errorsOf({ all: [{ field: 'city', op: 'isEmpty', inGroup: 7 }] })).toEqual([
      'all[0]: a criterion takes one of field, inGroup, not several; nest them in "all" or "any"',
    ]);
    expect(errorsOf({ any: [] })).toEqual(['any: "any" needs at least one criterion']);
    expect(errorsOf({ all: ['city'] })).toEqual([
      'all[0]: a criterion must be an object such as {"field": …, "op": …}',
    ]);
    expect(errorsOf({ inGroup: 7, extra: 1 })).toEqual(['root: unexpected key "extra"']);
  });

  it('bounds depth and size', () => {
    let deep: unknown = { field: 'city', op: 'isEmpty' };
    for (let i = 0; i < 8; i++) deep = { not: deep };
    expect(errorsOf(deep)).toEqual(['root: the tree is 9 levels deep; at most 8 are allowed']);
    const wide = { any: Array.from({ length: 201 }, () => ({ field: 'city', op: 'isEmpty' })) };
    expect(errorsOf(wide)).toEqual(['root: the tree has 201 criteria; at most 200 are allowed']);
    expect(compile({ any: Array.from({ length: 200 }, () => ({ field: 'city', op: 'isEmpty' })) }).ok).toBe(true);
  });

  it('answers "no such …" for ids the account does not have, without telling more', () => {
    expect(errorsOf({ all: [{ inSegment: 5000 }, { inGroup: 8 }, { inImport: 10 }] })).toEqual([
      'all[0]: no such segment 5000',
      'all[1]: no such group 8',
      'all[2]: no such import 10',
    ]);
  });

  it('names a cycle through nested segments', () => {
    expect(errorsOf({ inSegment: 1001 })).toEqual([
      'root: segment cycle: segment 1001 "A" → segment 1002 "B" → segment 1001 "A"',
    ]);
    // Saving 1002 "B" as "in 1003 and in 1001" would close 1002 → 1001 → 1002.
    const tree = { all: [{ inSegment: 1003 }, { inSegment: 1001 }] };
    const segments = new Map(context().segments).set(1002, { name: 'B', tree });
    const result = compileCriteria(tree, context({ segments }), { alias: 'c', firstParam: 1, self: 1002 });
    expect(!result.ok && result.errors).toEqual([
      { path: 'all[1]', message: 'segment cycle: segment 1002 "B" → segment 1001 "A" → segment 1002 "B"' },
    ]);
    expect(errorsOf({ inSegment: 1003 }, 1003)).toEqual([
      'root: segment cycle: segment 1003 "Paris" → segment 1003 "Paris"',
    ]);
  });

  it('reports a nested segment that no longer compiles at the criterion using it', () => {
    expect(errorsOf({ not: { inSegment: 1004 } })).toEqual([
      'not: segment 1004 "Broken" is no longer valid: root: unknown field "99"; use a built-in key or a custom field id (GET /segments/fields lists them)',
    ]);
  });
});

describe('compileCriteria: SQL text', () => {
  it('never holds user text: values travel as parameters numbered from firstParam', () => {
    const evil = "x'); DROP TABLE contact; --";
    const result = compile({
      any: [
        { field: 'city', op: 'contains', value: evil },
        { field: '11', op: 'in', values: [evil, 'b'] },
        { field: 'lastname', op: 'notStartsWith', value: '50%_off\\' },
      ],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.sql).not.toContain('DROP');
    expect(result.sql).not.toContain('50%');
    expect(result.params).toEqual([
      "%x'); DROP TABLE contact; --%",
      '11',
      [evil.toLowerCase(), 'b'],
      '50\\%\\_off\\\\%',
    ]);
    expect(result.sql.match(/\$\d+/g)).toEqual(['$2', '$3', '$4', '$5']);
  });

  it('expands inSegment in place, and an empty "all" is everyone', () => {
    const result = compile({ all: [{ inSegment: 1003 }, { inSegment: 1 }] });
    expect(result).toEqual({ ok: true, sql: '((lower(c."city") = lower($2::text)) AND (TRUE))', params: ['Paris'] });
  });

  it('compiles "not" as IS NOT TRUE, so contacts without a value are in the complement', () => {
    const result = compile({ not: { field: 'city', op: 'equals', value: 'Paris' } });
    expect(result.ok && result.sql).toBe('((lower(c."city") = lower($2::text)) IS NOT TRUE)');
  });

  it('turns the hard and soft shorthands into the statuses they stand for', () => {
    const hard = compile({ field: 'emailstatus', op: 'equals', value: 'hard' });
    expect(hard.ok && hard.params).toEqual([['badalias', 'baddomain', 'badsyntax']]);
    const soft = compile({ field: 'mobilestatus', op: 'in', values: ['soft', 'valid'] });
    expect(soft.ok && soft.params).toEqual([['error', 'valid']]);
  });

  it('refuses an alias that is not an identifier', () => {
    expect(() => compileCriteria({ all: [] }, context(), { alias: 'c; --', firstParam: 1 })).toThrow();
  });
});

describe('days in the account timezone', () => {
  it('reads today in the zone, not in UTC', () => {
    expect(dayIn('Europe/Paris', new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(dayIn('America/New_York', new Date('2027-01-01T03:00:00Z'))).toBe('2026-12-31');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('lists anniversary days across the year end, with 29 February on the 28th in other years', () => {
    expect(anniversaryDays('2026-12-30', 3)).toEqual(['12-30', '12-31', '01-01', '01-02']);
    expect(anniversaryDays('2027-02-27', 2)).toEqual(['02-27', '02-28', '02-29', '03-01']);
    expect(anniversaryDays('2028-02-28', 0)).toEqual(['02-28']);
  });
});

describe('references and the catalogue', () => {
  it('finds the ids a tree names, through nested segments', () => {
    const segments = new Map([[1003, { name: 'x', tree: { all: [{ inGroup: 4 }, { inImport: 5 }] } }]]);
    expect(referencedIds({ not: { any: [{ inSegment: 1003 }, { inGroup: 6 }] } }, segments)).toEqual({
      segments: new Set([1003]),
      groups: new Set([4, 6]),
      imports: new Set([5]),
    });
    expect(directSegmentIds({ all: [{ inSegment: 3 }, { not: { inSegment: 4 } }] })).toEqual([3, 4]);
  });

  it('gives every field its operators and list values', () => {
    const fields = criteriaCatalogue(catalogue);
    expect(fields.find((f) => f.key === '15')).toEqual({
      key: '15',
      labelFr: 'Centres',
      labelEn: 'Centres',
      format: 'MultipleSelection',
      kind: 'multi',
      operators: ['hasAny', 'hasAll', 'hasNone', 'isEmpty', 'isNotEmpty'],
      values: [
        { value: 201, label: 'Perle' },
        { value: 202, label: 'Diamant' },
      ],
      custom: true,
    });
    expect(fields.find((f) => f.key === 'birthdate')?.operators).toContain('anniversaryInNextDays');
    expect(fields.find((f) => f.key === 'emailstatus')?.values?.map((v) => v.value)).toContain('hard');
  });
});
