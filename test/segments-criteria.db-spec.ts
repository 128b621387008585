import fc from 'fast-check';
import { createContactField, createContactFieldValue } from '../sdk';
import { FieldsService } from '../src/modules/fields/fields.service';
import { addDays, anniversaryDays, compileCriteria, CriteriaContext, dayIn } from '../src/modules/segments/criteria';
import { STATUS_SHORTHANDS } from '../src/modules/segments/criteria-catalogue';
import { startTestApp, TestAccount, TestApp } from './harness';

/**
 * The compiler's SQL run on a real PostgreSQL: every operator of every format against the contacts it must
 * select, then a property test comparing SQL results with an in-memory reading of the same tree.
 */

const NOW = new Date('2026-12-01T10:00:00Z'); // 11:00 in Paris: "today" is 2026-12-01
const TZ = 'Europe/Paris';

interface Person {
  firstname: string;
  lastname?: string | null;
  city?: string | null;
  email?: string | null;
  email_optin?: string | null;
  email_status?: string;
  mobile?: string | null;
  mobile_optin?: string | null;
  mobile_status?: string;
  birthdate?: string | null;
  created_at?: string;
  last_engaged_at?: string | null;
  email_optin_partners?: boolean | null;
  fields?: Record<string, unknown>;
}

describe('criteria compiled to SQL, on PostgreSQL', () => {
  let t: TestApp;
  let account: TestAccount;
  const F = { ville: '', score: '', visite: '', taille: '', centres: '' };
  const V = { S: 0, M: 0, perle: 0, diamant: 0 };
  let groupId = 0;
  const importId = 987654321;

  beforeAll(async () => {
    t = await startTestApp();
    account = await t.createAccount('Criteria');
    const client = t.sdk(account);
    const field = async (name: string, format: string) =>
      String(
        (await createContactField({ client, body: { name, format: format as 'ShortText' }, throwOnError: true })).data
          .id,
      );
    const value = async (fieldId: string, text: string) =>
      (await createContactFieldValue({ client, path: { id: Number(fieldId) }, body: { text }, throwOnError: true }))
        .data.id;
    F.ville = await field('Ville', 'ShortText');
    F.score = await field('Score', 'Number');
    F.visite = await field('Visite', 'DateTime');
    F.taille = await field('Taille', 'SingleSelection');
    F.centres = await field('Centres', 'MultipleSelection');
    V.S = await value(F.taille, 'S');
    V.M = await value(F.taille, 'M');
    V.perle = await value(F.centres, 'Perle');
    V.diamant = await value(F.centres, 'Diamant');
    const [{ id }] = await db().query<{ id: number }[]>(
      "INSERT INTO contact_group (account_id, name, name_key) VALUES ($1, 'G', 'g') RETURNING id",
      [account.id],
    );
    groupId = Number(id);
  });
  afterAll(async () => t.close());

  const db = () => t.database.dataSource;

  async function load(people: Person[]): Promise<void> {
    await db().query('DELETE FROM contact WHERE account_id = $1', [account.id]);
    await db().query('DELETE FROM contact_history WHERE account_id = $1', [account.id]);
    await db().query(
      `INSERT INTO contact (account_id, firstname, lastname, city, email, email_optin, email_status, mobile, mobile_optin,
         mobile_status, birthdate, created_at, last_engaged_at, email_optin_partners, fields)
       SELECT $1, p.firstname, p.lastname, p.city, p.email, p.email_optin, coalesce(p.email_status, 'unknown'), p.mobile,
         p.mobile_optin, coalesce(p.mobile_status, 'unknown'), p.birthdate, coalesce(p.created_at, '2024-01-01T00:00:00Z'),
         p.last_engaged_at, p.email_optin_partners, coalesce(p.fields, '{}')
       FROM jsonb_to_recordset($2::jsonb) AS p(firstname text, lastname text, city text, email text, email_optin text,
         email_status text, mobile text, mobile_optin text, mobile_status text, birthdate date, created_at timestamptz,
         last_engaged_at timestamptz, email_optin_partners boolean, fields jsonb)`,
      [account.id, JSON.stringify(people)],
    );
  }

  async function context(now = NOW): Promise<CriteriaContext> {
    return {
      catalogue: await t.app.get(FieldsService).catalogue(account.id),
      segments: new Map([[1, { name: 'Tous les contacts', tree: { all: [] } }]]),
      groups: new Set([groupId]),
      imports: new Set([importId]),
      timezone: TZ,
      activityDays: 180,
      now,
    };
  }

  async function select(tree: unknown, now = NOW): Promise<string[]> {
    const result = compileCriteria(tree, await context(now), { alias: 'c', firstParam: 2 });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const rows: { firstname: string }[] = await db().query(
      `SELECT c.firstname FROM contact c WHERE c.account_id = $1 AND ${result.sql} ORDER BY c.firstname`,
      [account.id, ...result.params],
    );
    return rows.map((r) => r.firstname);
  }

  describe('every operator of every format', () => {
    beforeAll(async () => {
      await load([
        {
          firstname: 'a',
          lastname: 'Martin',
          city: 'Paris',
          email: 'a@x.test',
          email_optin: 'yes',
          email_status: 'valid',
          mobile: '+33611111111',
          mobile_optin: 'yes',
          mobile_status: 'valid',
          birthdate: '1990-12-03',
          created_at: '2026-11-30T23:30:00Z', // 1 December, 00:30 in Paris
          last_engaged_at: '2026-11-20T08:00:00Z',
          email_optin_partners: true,
          fields: {
            [F.ville]: 'Nantes',
            [F.score]: 10,
            [F.visite]: '2026-11-25',
            [F.taille]: V.S,
            [F.centres]: [V.perle, V.diamant],
          },
        },
        {
          firstname: 'b',
          lastname: 'Martinez',
          city: 'paris',
          email: 'b@x.test',
          email_optin: 'no',
          email_status: 'badalias',
          birthdate: '2000-02-29',
          created_at: '2026-11-30T22:30:00Z', // 30 November, 23:30 in Paris
          email_optin_partners: false,
          fields: {
            [F.ville]: 'Nantes-Sud',
            [F.score]: 2.5,
            [F.visite]: '2026-01-01',
            [F.taille]: V.M,
            [F.centres]: [V.diamant],
          },
        },
        {
          firstname: 'c',
          lastname: "O'Brien",
          email: 'c@x.test',
          mobile: '+33622222222',
          mobile_optin: 'no',
          mobile_status: 'error',
          created_at: '2025-06-01T12:00:00Z',
          last_engaged_at: '2025-01-01T00:00:00Z',
        },
        {
          firstname: 'd',
          lastname: '50%_off',
          city: '',
          email: 'd@x.test',
          email_optin: 'yes',
          email_status: 'soft',
          mobile: '+33633333333',
          mobile_optin: 'yes',
          mobile_status: 'badnumber',
          birthdate: '1985-12-10',
          created_at: '2026-12-01T09:00:00Z',
          last_engaged_at: '2026-12-01T08:00:00Z',
          fields: { [F.ville]: 'Lyon', [F.score]: -3, [F.visite]: '2026-12-01', [F.taille]: V.S, [F.centres]: [] },
        },
        {
          firstname: 'e',
          lastname: 'Durand',
          city: 'Lyon',
          mobile: '+33644444444',
          mobile_optin: 'yes',
          mobile_status: 'valid',
          fields: { [F.score]: 100, [F.centres]: [V.perle] },
        },
      ]);
      const ids: { id: number; firstname: string }[] = await db().query(
        'SELECT id, firstname FROM contact WHERE account_id = $1',
        [account.id],
      );
      const id = (name: string) => ids.find((r) => r.firstname === name)!.id;
      await db().query(
        'INSERT INTO group_member (group_id, contact_id, account_id) VALUES ($1, $2, $4), ($1, $3, $4)',
        [groupId, id('a'), id('c'), account.id],
      );
      await db().query(
        `INSERT INTO contact_history (account_id, contact_id, type, object, title, source, operation_id, happened_at)
         VALUES ($1, $2, 'creation', '', 'Created by import', 'import', $4, now()),
                ($1, $3, 'update', 'city', 'Updated by import', 'import', $4, now()),
                ($1, $2, 'update', 'city', 'Updated by API', 'api', NULL, now())`,
        [account.id, id('b'), id('e'), importId],
      );
    });

    const cases = (): [string, unknown, string[]][] => [
      // text, built-in column; negatives match empty values too
      ['text equals (any case)', { field: 'city', op: 'equals', value: 'PARIS' }, ['a', 'b']],
      ['text notEquals', { field: 'city', op: 'notEquals', value: 'paris' }, ['c', 'd', 'e']],
      ['text startsWith', { field: 'city', op: 'startsWith', value: 'par' }, ['a', 'b']],
      ['text notStartsWith', { field: 'city', op: 'notStartsWith', value: 'par' }, ['c', 'd', 'e']],
      ['text endsWith', { field: 'city', op: 'endsWith', value: 'RIS' }, ['a', 'b']],
      ['text notEndsWith', { field: 'city', op: 'notEndsWith', value: 'ris' }, ['c', 'd', 'e']],
      ['text contains', { field: 'city', op: 'contains', value: 'ar' }, ['a', 'b']],
      ['text notContains', { field: 'city', op: 'notContains', value: 'ar' }, ['c', 'd', 'e']],
      ['text in', { field: 'city', op: 'in', values: ['LYON', 'Nowhere'] }, ['e']],
      ['text notIn', { field: 'city', op: 'notIn', values: ['lyon'] }, ['a', 'b', 'c', 'd']],
      ['text isEmpty (null or blank)', { field: 'city', op: 'isEmpty' }, ['c', 'd']],
      ['text isNotEmpty', { field: 'city', op: 'isNotEmpty' }, ['a', 'b', 'e']],
      ['text: % and _ are plain characters', { field: 'lastname', op: 'contains', value: '%_' }, ['d']],
      ['text: a quote is a plain character', { field: 'lastname', op: 'startsWith', value: "o'" }, ['c']],
      ['email equals', { field: 'email', op: 'equals', value: 'A@X.TEST' }, ['a']],
      ['email startsWith', { field: 'email', op: 'startsWith', value: 'B@' }, ['b']],
      ['email isEmpty', { field: 'email', op: 'isEmpty' }, ['e']],
      ['mobile startsWith', { field: 'mobile', op: 'startsWith', value: '+3363' }, ['d']],
      // text, custom field
      ['custom text equals', { field: F.ville, op: 'equals', value: 'NANTES' }, ['a']],
      ['custom text startsWith', { field: F.ville, op: 'startsWith', value: 'nantes' }, ['a', 'b']],
      ['custom text notContains', { field: F.ville, op: 'notContains', value: 'nantes' }, ['c', 'd', 'e']],
      ['custom text notEquals', { field: F.ville, op: 'notEquals', value: 'lyon' }, ['a', 'b', 'c', 'e']],
      ['custom text in', { field: F.ville, op: 'in', values: ['lyon', 'nantes'] }, ['a', 'd']],
      ['custom text isEmpty', { field: F.ville, op: 'isEmpty' }, ['c', 'e']],
      ['custom text isNotEmpty', { field: F.ville, op: 'isNotEmpty' }, ['a', 'b', 'd']],
      // number
      ['number equals', { field: F.score, op: 'equals', value: 10 }, ['a']],
      ['number equals a decimal', { field: F.score, op: 'equals', value: '2.50' }, ['b']],
      ['number notEquals (empty too)', { field: F.score, op: 'notEquals', value: 10 }, ['b', 'c', 'd', 'e']],
      ['number greaterThan', { field: F.score, op: 'greaterThan', value: 2.5 }, ['a', 'e']],
      ['number lessThan', { field: F.score, op: 'lessThan', value: 0 }, ['d']],
      ['number between (inclusive)', { field: F.score, op: 'between', values: [2.5, 10] }, ['a', 'b']],
      ['number between, reversed', { field: F.score, op: 'between', values: [10, 2.5] }, ['a', 'b']],
      ['number isEmpty', { field: F.score, op: 'isEmpty' }, ['c']],
      ['number isNotEmpty', { field: F.score, op: 'isNotEmpty' }, ['a', 'b', 'd', 'e']],
      ['built-in number (import id) isEmpty', { field: 'importcreation', op: 'isEmpty' }, ['a', 'b', 'c', 'd', 'e']],
      // custom dates (yyyy-MM-dd)
      ['date on', { field: F.visite, op: 'on', value: '2026-11-25' }, ['a']],
      ['date before', { field: F.visite, op: 'before', value: '2026-11-25' }, ['b']],
      ['date after', { field: F.visite, op: 'after', value: '2026-11-25' }, ['d']],
      ['date between', { field: F.visite, op: 'between', values: ['2026-11-25', '2026-01-01'] }, ['a', 'b']],
      ['date inLastDays (today included)', { field: F.visite, op: 'inLastDays', value: 7 }, ['a', 'd']],
      ['date notInLastDays (empty too)', { field: F.visite, op: 'notInLastDays', value: 7 }, ['b', 'c', 'e']],
      ['date anniversaryInNextDays 0 = today', { field: F.visite, op: 'anniversaryInNextDays', value: 0 }, ['d']],
      ['date anniversary across the year end', { field: F.visite, op: 'anniversaryInNextDays', value: 31 }, ['b', 'd']],
      ['date isEmpty', { field: F.visite, op: 'isEmpty' }, ['c', 'e']],
      ['date isNotEmpty', { field: F.visite, op: 'isNotEmpty' }, ['a', 'b', 'd']],
      // birthdate (a date column)
      ['birthdate on', { field: 'birthdate', op: 'on', value: '1990-12-03' }, ['a']],
      ['birthdate before', { field: 'birthdate', op: 'before', value: '1990-01-01' }, ['d']],
      ['birthdate anniversaryInNextDays', { field: 'birthdate', op: 'anniversaryInNextDays', value: 9 }, ['a', 'd']],
      ['birthdate anniversaryInNextDays 2', { field: 'birthdate', op: 'anniversaryInNextDays', value: 2 }, ['a']],
      ['birthdate isEmpty', { field: 'birthdate', op: 'isEmpty' }, ['c', 'e']],
      // instants, read as days of the account's timezone
      ['creationdate on (Paris day)', { field: 'creationdate', op: 'on', value: '2026-12-01' }, ['a', 'd']],
      ['creationdate on the day before', { field: 'creationdate', op: 'on', value: '2026-11-30' }, ['b']],
      ['creationdate before', { field: 'creationdate', op: 'before', value: '2026-12-01' }, ['b', 'c', 'e']],
      ['creationdate after', { field: 'creationdate', op: 'after', value: '2026-11-30' }, ['a', 'd']],
      [
        'creationdate between',
        { field: 'creationdate', op: 'between', values: ['2025-01-01', '2026-11-30'] },
        ['b', 'c'],
      ],
      ['creationdate inLastDays 1 = today', { field: 'creationdate', op: 'inLastDays', value: 1 }, ['a', 'd']],
      ['creationdate inLastDays 2', { field: 'creationdate', op: 'inLastDays', value: 2 }, ['a', 'b', 'd']],
      ['creationdate notInLastDays', { field: 'creationdate', op: 'notInLastDays', value: 2 }, ['c', 'e']],
      ['emailstatusdate isEmpty', { field: 'emailstatusdate', op: 'isEmpty' }, ['a', 'b', 'c', 'd', 'e']],
      ['emailstatusdate isNotEmpty', { field: 'emailstatusdate', op: 'isNotEmpty' }, []],
      // activity
      ['activity equals active', { field: 'activity', op: 'equals', value: 'active' }, ['a', 'd']],
      ['activity equals inactive', { field: 'activity', op: 'equals', value: 'inactive' }, ['b', 'c', 'e']],
      ['activity notEquals active', { field: 'activity', op: 'notEquals', value: 'active' }, ['b', 'c', 'e']],
      ['activity in both', { field: 'activity', op: 'in', values: ['active', 'inactive'] }, ['a', 'b', 'c', 'd', 'e']],
      ['activity notIn both', { field: 'activity', op: 'notIn', values: ['active', 'inactive'] }, []],
      // opt-ins and statuses: negatives need a value
      ['optin equals', { field: 'emailoptin', op: 'equals', value: 'yes' }, ['a', 'd']],
      ['optin notEquals (only with a value)', { field: 'emailoptin', op: 'notEquals', value: 'yes' }, ['b']],
      ['optin in', { field: 'emailoptin', op: 'in', values: ['no', 'orange'] }, ['b']],
      ['optin notIn', { field: 'emailoptin', op: 'notIn', values: ['no'] }, ['a', 'd']],
      [
        'not optin equals: the exact complement',
        { not: { field: 'emailoptin', op: 'equals', value: 'yes' } },
        ['b', 'c', 'e'],
      ],
      ['email status hard', { field: 'emailstatus', op: 'equals', value: 'hard' }, ['b']],
      ['email status soft', { field: 'emailstatus', op: 'equals', value: 'soft' }, ['d']],
      ['email status not hard', { field: 'emailstatus', op: 'notEquals', value: 'hard' }, ['a', 'c', 'd', 'e']],
      ['email status in', { field: 'emailstatus', op: 'in', values: ['valid', 'unknown'] }, ['a', 'c', 'e']],
      ['email status notIn', { field: 'emailstatus', op: 'notIn', values: ['hard', 'soft'] }, ['a', 'c', 'e']],
      ['SMS status soft', { field: 'mobilestatus', op: 'equals', value: 'soft' }, ['c']],
      ['SMS status hard', { field: 'mobilestatus', op: 'equals', value: 'hard' }, ['d']],
      ['SMS status not hard', { field: 'mobilestatus', op: 'notEquals', value: 'hard' }, ['a', 'b', 'c', 'e']],
      ['SMS optin notEquals', { field: 'mobileoptin', op: 'notEquals', value: 'no' }, ['a', 'd', 'e']],
      // booleans
      ['boolean equals true', { field: 'emailoptinpartners', op: 'equals', value: true }, ['a']],
      ['boolean equals "false"', { field: 'emailoptinpartners', op: 'equals', value: 'false' }, ['b']],
      ['boolean notEquals', { field: 'emailoptinpartners', op: 'notEquals', value: true }, ['b']],
      ['boolean isEmpty', { field: 'emailoptinpartners', op: 'isEmpty' }, ['c', 'd', 'e']],
      ['boolean isNotEmpty', { field: 'emailoptinpartners', op: 'isNotEmpty' }, ['a', 'b']],
      // single selection: by value text or id; negatives need a value
      ['single equals (text)', { field: F.taille, op: 'equals', value: 's' }, ['a', 'd']],
      ['single equals (id)', { field: F.taille, op: 'equals', value: V.M }, ['b']],
      ['single notEquals (only with a value)', { field: F.taille, op: 'notEquals', value: V.S }, ['b']],
      ['single in', { field: F.taille, op: 'in', values: ['S', String(V.M)] }, ['a', 'b', 'd']],
      ['single notIn', { field: F.taille, op: 'notIn', values: [V.S] }, ['b']],
      ['single isEmpty', { field: F.taille, op: 'isEmpty' }, ['c', 'e']],
      ['single isNotEmpty', { field: F.taille, op: 'isNotEmpty' }, ['a', 'b', 'd']],
      // multiple selection
      ['multi hasAny one', { field: F.centres, op: 'hasAny', values: [V.perle] }, ['a', 'e']],
      ['multi hasAny by text', { field: F.centres, op: 'hasAny', values: ['perle', 'Diamant'] }, ['a', 'b', 'e']],
      ['multi hasAll', { field: F.centres, op: 'hasAll', values: [V.perle, V.diamant] }, ['a']],
      ['multi hasNone (only with a value)', { field: F.centres, op: 'hasNone', values: [V.perle] }, ['b']],
      ['multi isEmpty (no key or empty list)', { field: F.centres, op: 'isEmpty' }, ['c', 'd']],
      ['multi isNotEmpty', { field: F.centres, op: 'isNotEmpty' }, ['a', 'b', 'e']],
      // memberships and combinations
      ['inGroup', { inGroup: groupId }, ['a', 'c']],
      ['not inGroup', { not: { inGroup: groupId } }, ['b', 'd', 'e']],
      ['inImport: created or updated by it', { inImport: importId }, ['b', 'e']],
      ['inSegment', { inSegment: 1 }, ['a', 'b', 'c', 'd', 'e']],
      [
        'nested all/any/not',
        {
          all: [
            { any: [{ field: 'city', op: 'startsWith', value: 'par' }, { inGroup: groupId }] },
            { not: { field: F.taille, op: 'equals', value: 'S' } },
          ],
        },
        ['b', 'c'],
      ],
    ];

    it.each(cases().map(([name], i) => [name, i] as const))('%s', async (_name, index) => {
      const [, tree, expected] = cases()[index];
      expect(await select(tree)).toEqual(expected);
    });

    it('finds a 29 February birthday on 28 February of other years', async () => {
      const leapless = new Date('2027-02-27T12:00:00Z');
      expect(await select({ field: 'birthdate', op: 'anniversaryInNextDays', value: 1 }, leapless)).toEqual(['b']);
      expect(await select({ field: 'birthdate', op: 'anniversaryInNextDays', value: 0 }, leapless)).toEqual([]);
    });
  });

  describe('property: SQL selects what an in-memory reading of the tree selects', () => {
    const cities = ['Paris', 'paris', 'PARIS-Nord', 'Lyon', '', 'o%_x', "l'Isle"];
    const days = ['2026-11-25', '2026-12-01', '2026-11-30', '2025-12-01', '2000-02-29', '1990-01-15'];
    const instants = ['2026-11-30T22:30:00Z', '2026-11-30T23:30:00Z', '2026-12-01T09:00:00Z', '2026-06-01T00:00:00Z'];
    const statuses = ['unknown', 'valid', 'soft', 'absent', 'badalias', 'baddomain'];

    type Generated = {
      city: string | null;
      optin: string | null;
      status: string;
      birthdate: string | null;
      created: string;
      engaged: string | null;
      score: number | null;
      visite: string | null;
      taille: 'S' | 'M' | null;
      centres: ('perle' | 'diamant')[] | null;
      grouped: boolean;
    };
    const contactArb: fc.Arbitrary<Generated> = fc.record({
      city: fc.option(fc.constantFrom(...cities)),
      optin: fc.option(fc.constantFrom('yes', 'no', 'orange')),
      status: fc.constantFrom(...statuses),
      birthdate: fc.option(fc.constantFrom(...days)),
      created: fc.constantFrom(...instants),
      engaged: fc.option(fc.constantFrom(...instants, '2025-01-01T00:00:00Z')),
      score: fc.option(fc.integer({ min: -3, max: 3 })),
      visite: fc.option(fc.constantFrom(...days)),
      taille: fc.option(fc.constantFrom('S' as const, 'M' as const)),
      centres: fc.option(fc.subarray(['perle', 'diamant'] as ('perle' | 'diamant')[])),
      grouped: fc.boolean(),
    });

    type Leaf = { field: string; op: string; value?: unknown; values?: unknown[] } | { inGroup: number };
    const leafArb = (): fc.Arbitrary<Leaf> =>
      fc.oneof(
        fc.record({
          field: fc.constant('city'),
          op: fc.constantFrom(
            'equals',
            'notEquals',
            'startsWith',
            'notStartsWith',
            'endsWith',
            'notEndsWith',
            'contains',
            'notContains',
          ),
          value: fc.constantFrom('par', 'PARIS', 'is', 'o%', "l'", 'x'),
        }),
        fc.record({
          field: fc.constant('city'),
          op: fc.constantFrom('in', 'notIn'),
          values: fc.subarray(['paris', 'LYON', 'nord'], { minLength: 1 }),
        }),
        fc.record({ field: fc.constant('city'), op: fc.constantFrom('isEmpty', 'isNotEmpty') }),
        fc.record({
          field: fc.constant('emailoptin'),
          op: fc.constantFrom('equals', 'notEquals'),
          value: fc.constantFrom('yes', 'no', 'blocklist'),
        }),
        fc.record({
          field: fc.constant('emailstatus'),
          op: fc.constantFrom('equals', 'notEquals'),
          value: fc.constantFrom('hard', 'soft', 'valid'),
        }),
        fc.record({
          field: fc.constant('emailstatus'),
          op: fc.constantFrom('in', 'notIn'),
          values: fc.subarray(['hard', 'soft', 'unknown'], { minLength: 1 }),
        }),
        fc.record({
          field: fc.constant('activity'),
          op: fc.constantFrom('equals', 'notEquals'),
          value: fc.constantFrom('active', 'inactive'),
        }),
        fc.record({
          field: fc.constant(F.score),
          op: fc.constantFrom('equals', 'notEquals', 'greaterThan', 'lessThan'),
          value: fc.integer({ min: -3, max: 3 }),
        }),
        fc.record({
          field: fc.constant(F.score),
          op: fc.constant('between'),
          values: fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })),
        }),
        fc.record({
          field: fc.constantFrom(F.score, F.visite, 'birthdate'),
          op: fc.constantFrom('isEmpty', 'isNotEmpty'),
        }),
        fc.record({
          field: fc.constantFrom(F.visite, 'birthdate', 'creationdate'),
          op: fc.constantFrom('on', 'before', 'after'),
          value: fc.constantFrom(...days),
        }),
        fc.record({
          field: fc.constantFrom(F.visite, 'birthdate', 'creationdate'),
          op: fc.constant('between'),
          values: fc.tuple(fc.constantFrom(...days), fc.constantFrom(...days)),
        }),
        fc.record({
          field: fc.constantFrom(F.visite, 'birthdate', 'creationdate'),
          op: fc.constantFrom('inLastDays', 'notInLastDays'),
          value: fc.integer({ min: 1, max: 400 }),
        }),
        fc.record({
          field: fc.constantFrom(F.visite, 'birthdate', 'creationdate'),
          op: fc.constant('anniversaryInNextDays'),
          value: fc.integer({ min: 0, max: 400 }),
        }),
        fc.record({
          field: fc.constant(F.taille),
          op: fc.constantFrom('equals', 'notEquals'),
          value: fc.constantFrom('S', 'M'),
        }),
        fc.record({
          field: fc.constant(F.taille),
          op: fc.constantFrom('in', 'notIn'),
          values: fc.subarray(['S', 'M'], { minLength: 1 }),
        }),
        fc.record({ field: fc.constantFrom(F.taille, F.centres), op: fc.constantFrom('isEmpty', 'isNotEmpty') }),
        fc.record({
          field: fc.constant(F.centres),
          op: fc.constantFrom('hasAny', 'hasAll', 'hasNone'),
          values: fc.subarray(['Perle', 'Diamant'], { minLength: 1 }),
        }),
        fc.constant({ inGroup: groupId }),
      );
    const treeArb = (): fc.Arbitrary<unknown> =>
      fc.letrec<{ node: unknown }>((tie) => ({
        node: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          leafArb(),
          fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
          fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
          fc.record({ not: tie('node') }),
        ),
      })).node;

    // ——— the same tree read in memory, from the rules of SPEC §7 ———
    const today = dayIn(TZ, NOW);
    const lower = (s: string) => s.toLowerCase();
    function textMatches(value: string | null, op: string, operand: unknown): boolean {
      const v = value === null ? null : lower(value);
      const x = typeof operand === 'string' ? lower(operand) : '';
      const positive: Record<string, () => boolean> = {
        equals: () => v === x,
        startsWith: () => v !== null && v.startsWith(x),
        endsWith: () => v !== null && v.endsWith(x),
        contains: () => v !== null && v.includes(x),
      };
      if (op in positive) return positive[op]();
      return !positive[op.slice(3, 4).toLowerCase() + op.slice(4)]();
    }
    function dayMatches(day: string | null, op: string, operand: unknown, operands: unknown[]): boolean {
      switch (op) {
        case 'isEmpty':
          return day === null;
        case 'isNotEmpty':
          return day !== null;
        case 'on':
          return day === operand;
        case 'before':
          return day !== null && day < (operand as string);
        case 'after':
          return day !== null && day > (operand as string);
        case 'between': {
          const [from, to] = [...(operands as string[])].sort();
          return day !== null && day >= from && day <= to;
        }
        case 'inLastDays':
          return day !== null && day >= addDays(today, -((operand as number) - 1)) && day <= today;
        case 'notInLastDays':
          return !(day !== null && day >= addDays(today, -((operand as number) - 1)) && day <= today);
        case 'anniversaryInNextDays':
          return day !== null && anniversaryDays(today, operand as number).includes(day.slice(5));
      }
      throw new Error(op);
    }
    function expandStatuses(words: string[]): string[] {
      return words.flatMap((w) => (w === 'hard' || w === 'soft' ? [...STATUS_SHORTHANDS.emailstatus[w]] : [w]));
    }
    function evaluate(node: unknown, c: Generated): boolean {
      const n = node as Record<string, unknown>;
      if ('all' in n) return (n.all as unknown[]).every((child) => evaluate(child, c));
      if ('any' in n) return (n.any as unknown[]).some((child) => evaluate(child, c));
      if ('not' in n) return !evaluate(n.not, c);
      if ('inGroup' in n) return c.grouped;
      const op = n.op as string;
      const operands = (n.values as unknown[] | undefined) ?? [n.value];
      const operand = operands[0];
      const values = { S: 'S', M: 'M' };
      switch (n.field) {
        case 'city':
          if (op === 'isEmpty') return c.city === null || c.city === '';
          if (op === 'isNotEmpty') return !(c.city === null || c.city === '');
          if (op === 'in') return c.city !== null && operands.map((o) => lower(o as string)).includes(lower(c.city));
          if (op === 'notIn')
            return !(c.city !== null && operands.map((o) => lower(o as string)).includes(lower(c.city)));
          return textMatches(c.city, op, operand);
        case 'emailoptin':
          return op === 'equals' ? c.optin === operand : c.optin !== null && c.optin !== operand;
        case 'emailstatus': {
          const set = expandStatuses(operands as string[]);
          return op === 'equals' || op === 'in' ? set.includes(c.status) : !set.includes(c.status);
        }
        case 'activity': {
          const active = c.engaged !== null && new Date(c.engaged).getTime() >= NOW.getTime() - 180 * 86_400_000;
          return (op === 'equals') === (operand === 'active' ? active : !active);
        }
        case F.score: {
          const s = c.score;
          if (op === 'equals') return s === operand;
          if (op === 'notEquals') return s !== operand;
          if (op === 'greaterThan') return s !== null && s > (operand as number);
          if (op === 'lessThan') return s !== null && s < (operand as number);
          if (op === 'between') {
            const [low, high] = [...(operands as number[])].sort((x, y) => x - y);
            return s !== null && s >= low && s <= high;
          }
          return op === 'isEmpty' ? s === null : s !== null;
        }
        case F.visite:
          return dayMatches(c.visite, op, operand, operands);
        case 'birthdate':
          return dayMatches(c.birthdate, op, operand, operands);
        case 'creationdate':
          return dayMatches(dayIn(TZ, new Date(c.created)), op, operand, operands);
        case F.taille: {
          const v = c.taille;
          if (op === 'isEmpty' || op === 'isNotEmpty') return (op === 'isEmpty') === (v === null);
          const set = operands.map((o) => values[o as 'S' | 'M']);
          if (op === 'equals' || op === 'in') return v !== null && set.includes(v);
          if (op === 'notEquals' || op === 'notIn') return v !== null && !set.includes(v);
          return op === 'isEmpty' ? v === null : v !== null;
        }
        case F.centres: {
          const has = c.centres ?? [];
          if (op === 'isEmpty' || op === 'isNotEmpty') return (op === 'isEmpty') === (has.length === 0);
          const wanted = operands.map((o) => lower(o as string) as 'perle' | 'diamant');
          if (op === 'hasAny') return wanted.some((w) => has.includes(w));
          if (op === 'hasAll') return wanted.every((w) => has.includes(w));
          if (op === 'hasNone') return has.length > 0 && !wanted.some((w) => has.includes(w));
          return op === 'isEmpty' ? has.length === 0 : has.length > 0;
        }
      }
      throw new Error(`no reading for ${JSON.stringify(n)}`);
    }

    it('agrees on generated contacts and trees', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(contactArb, { minLength: 1, maxLength: 25 }),
          fc.array(treeArb(), { minLength: 4, maxLength: 12 }),
          async (people, trees) => {
            await load(
              people.map((p, i) => ({
                firstname: `p${String(i).padStart(2, '0')}`,
                city: p.city,
                email: `p${i}@x.test`,
                email_optin: p.optin,
                email_status: p.status,
                birthdate: p.birthdate,
                created_at: p.created,
                last_engaged_at: p.engaged,
                fields: {
                  ...(p.score === null ? {} : { [F.score]: p.score }),
                  ...(p.visite === null ? {} : { [F.visite]: p.visite }),
                  ...(p.taille === null ? {} : { [F.taille]: V[p.taille] }),
                  ...(p.centres === null ? {} : { [F.centres]: p.centres.map((c) => V[c]) }),
                },
              })),
            );
            const grouped = people.map((p, i) => (p.grouped ? `p${String(i).padStart(2, '0')}` : '')).filter(Boolean);
            await db().query(
              `INSERT INTO group_member (group_id, contact_id, account_id)
             SELECT $1, id, account_id FROM contact WHERE account_id = $2 AND firstname = ANY($3::text[])`,
              [groupId, account.id, grouped],
            );
            for (const tree of trees) {
              const expected = people
                .map((p, i) => (evaluate(tree, p) ? `p${String(i).padStart(2, '0')}` : ''))
                .filter(Boolean);
              expect({ tree, selected: await select(tree) }).toEqual({ tree, selected: expected });
            }
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});
