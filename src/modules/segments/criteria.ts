import { builtinField, BuiltinField } from '../fields/builtin-fields';
import type { CustomFieldDefinition, FieldCatalogue } from '../fields/field-catalogue';
import {
  builtinCriteriaField,
  CriteriaField,
  customCriteriaField,
  NEGATIVE_OPERATORS,
  OPERAND_SHAPES,
  Operator,
  OperatorOf,
  STATUS_SHORTHANDS,
} from './criteria-catalogue';

/**
 * A criteria tree (SPEC §7). `all` = AND, `any` = OR, `not` = complement; leaves name a field, an operator
 * and its value(s), or a membership.
 */
export type CriteriaNode =
  | { all: CriteriaNode[] }
  | { any: CriteriaNode[] }
  | { not: CriteriaNode }
  | { field: string; op: string; value?: unknown; values?: unknown[] }
  | { inSegment: number }
  | { inGroup: number }
  | { inImport: number };

export interface SqlPredicate {
  sql: string;
  params: unknown[];
}

export interface CriteriaError {
  /** Where in the tree: `all[2].any[0]`, `root` for the tree itself. */
  path: string;
  message: string;
}

export interface SavedTree {
  name: string;
  tree: CriteriaNode;
}

/** Everything the compiler needs about the account; loaded by the caller, so compiling stays pure. */
export interface CriteriaContext {
  catalogue: FieldCatalogue;
  /** The account's segments (default ones included), for `inSegment`. */
  segments: ReadonlyMap<number, SavedTree>;
  /** Group and import ids that exist in the account (at least those the tree names). */
  groups: ReadonlySet<number>;
  imports: ReadonlySet<number>;
  /** IANA zone: days (`on`, `inLastDays`, anniversaries) are the account's days. */
  timezone: string;
  /** `activity = active`: last open or click within this many days. */
  activityDays: number;
  now: Date;
}

export interface CompileOptions {
  /** Alias of the `contact` table in the caller's query. */
  alias: string;
  /** Number of the first placeholder (`$firstParam`). */
  firstParam: number;
  /** The segment this tree is being saved as: reaching it again through `inSegment` is a cycle. */
  self?: number;
}

export type CompileResult = ({ ok: true } & SqlPredicate) | { ok: false; errors: CriteriaError[] };

export const MAX_DEPTH = 8;
export const MAX_CRITERIA = 200;
/** Nested segments are expanded; this bounds what one tree may grow into. */
export const MAX_EXPANDED_CRITERIA = 2000;
const MAX_DAYS = 36500;
const MAX_TEXT = 4000;

const NODE_KEYS = ['all', 'any', 'not', 'field', 'inSegment', 'inGroup', 'inImport'] as const;
const LEAF_KEYS = new Set(['field', 'op', 'value', 'values']);

class Builder {
  readonly params: unknown[] = [];
  readonly errors: CriteriaError[] = [];
  expanded = 0;
  private timezoneParam?: string;

  constructor(
    readonly context: CriteriaContext,
    readonly alias: string,
    readonly firstParam: number,
  ) {}

  /** A placeholder for a value; the value travels apart from the SQL text. */
  param(value: unknown, type: string): string {
    this.params.push(value);
    return `$${this.firstParam + this.params.length - 1}::${type}`;
  }

  timezone(): string {
    this.timezoneParam ??= this.param(this.context.timezone, 'text');
    return this.timezoneParam;
  }

  column(name: string): string {
    return `${this.alias}."${name}"`;
  }

  error(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }
}

/**
 * Compiles a tree into a boolean SQL expression over the `contact` row aliased `options.alias`. User values
 * only ever become parameters; the SQL text is built from constants, column names of the built-in catalogue
 * and placeholder numbers. The expression does not filter on `account_id` (the caller does).
 *
 * A leaf may evaluate to NULL where a value is missing; NULL is "does not match", and `not` is compiled as
 * `IS NOT TRUE`, so it is always the exact complement of its operand.
 */
export function compileCriteria(tree: unknown, context: CriteriaContext, options: CompileOptions): CompileResult {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.alias)) throw new Error(`alias ${options.alias} is not an SQL identifier`);
  const builder = new Builder(context, options.alias, options.firstParam);
  checkShape(tree, builder);
  if (builder.errors.length > 0) return { ok: false, errors: builder.errors };
  const sql = node(tree, 'root', builder, options.self === undefined ? [] : [options.self]);
  if (builder.errors.length > 0 || sql === undefined) return { ok: false, errors: builder.errors };
  return { ok: true, sql, params: builder.params };
}

/** Depth and size limits, over the tree as written. */
function checkShape(tree: unknown, builder: Builder): void {
  let criteria = 0;
  let deepest = 0;
  const walk = (value: unknown, depth: number) => {
    deepest = Math.max(deepest, depth);
    if (!isObject(value)) return;
    if (Array.isArray(value.all)) value.all.forEach((child) => walk(child, depth + 1));
    else if (Array.isArray(value.any)) value.any.forEach((child) => walk(child, depth + 1));
    else if ('not' in value) walk(value.not, depth + 1);
    else criteria++;
  };
  walk(tree, 1);
  if (deepest > MAX_DEPTH)
    builder.error('root', `the tree is ${deepest} levels deep; at most ${MAX_DEPTH} are allowed`);
  if (criteria > MAX_CRITERIA) {
    builder.error('root', `the tree has ${criteria} criteria; at most ${MAX_CRITERIA} are allowed`);
  }
}

function node(value: unknown, path: string, b: Builder, segmentStack: number[]): string | undefined {
  if (!isObject(value)) return b.error(path, 'a criterion must be an object such as {"field": …, "op": …}');
  const kinds = NODE_KEYS.filter((k) => k in value);
  if (kinds.length !== 1) {
    return b.error(
      path,
      kinds.length === 0
        ? `a criterion needs one of ${NODE_KEYS.join(', ')}`
        : `a criterion takes one of ${kinds.join(', ')}, not several; nest them in "all" or "any"`,
    );
  }
  const kind = kinds[0];
  if (kind !== 'field') {
    const extra = Object.keys(value).filter((k) => k !== kind);
    if (extra.length > 0) return b.error(path, `unexpected key ${extra.map((k) => `"${k}"`).join(', ')}`);
  }
  b.expanded++;
  if (b.expanded > MAX_EXPANDED_CRITERIA) {
    return b.error(path, `with its nested segments the tree grows past ${MAX_EXPANDED_CRITERIA} criteria`);
  }
  switch (kind) {
    case 'all':
    case 'any': {
      const children = value[kind];
      if (!Array.isArray(children)) return b.error(path, `"${kind}" takes an array of criteria`);
      if (children.length === 0) {
        if (kind === 'all') return 'TRUE';
        return b.error(`${path === 'root' ? '' : `${path}.`}any`, '"any" needs at least one criterion');
      }
      const parts = children.map((child, i) => node(child, childPath(path, `${kind}[${i}]`), b, segmentStack));
      if (parts.some((p) => p === undefined)) return undefined;
      return parts.length === 1 ? parts[0] : `(${parts.join(kind === 'all' ? ' AND ' : ' OR ')})`;
    }
    case 'not': {
      const inner = node(value.not, childPath(path, 'not'), b, segmentStack);
      return inner === undefined ? undefined : `((${inner}) IS NOT TRUE)`;
    }
    case 'inSegment':
      return inSegment(value.inSegment, path, b, segmentStack);
    case 'inGroup': {
      const id = readId(value.inGroup);
      if (id === undefined || !b.context.groups.has(id))
        return b.error(path, `no such group ${display(value.inGroup)}`);
      return `EXISTS (SELECT 1 FROM group_member gm WHERE gm.group_id = ${b.param(id, 'bigint')} AND gm.contact_id = ${b.column('id')})`;
    }
    case 'inImport': {
      const id = readId(value.inImport);
      if (id === undefined || !b.context.imports.has(id)) {
        return b.error(path, `no such import ${display(value.inImport)}`);
      }
      // Every contact an import creates or changes gets a history row naming it; history outlives the import.
      return `EXISTS (SELECT 1 FROM contact_history h WHERE h.account_id = ${b.column('account_id')} AND h.source = 'import' AND h.operation_id = ${b.param(id, 'bigint')} AND h.contact_id = ${b.column('id')})`;
    }
    case 'field':
      return leaf(value, path, b);
  }
}

function inSegment(raw: unknown, path: string, b: Builder, stack: number[]): string | undefined {
  const id = readId(raw);
  const segment = id === undefined ? undefined : b.context.segments.get(id);
  if (id === undefined || !segment) return b.error(path, `no such segment ${display(raw)}`);
  if (stack.includes(id)) {
    const cycle = [...stack.slice(stack.indexOf(id)), id].map((s) => describeSegment(s, b.context)).join(' → ');
    return b.error(path, `segment cycle: ${cycle}`);
  }
  const before = b.errors.length;
  const sql = node(segment.tree, 'root', b, [...stack, id]);
  if (b.errors.length > before) {
    // Report the nested segment's problems at the criterion that uses it.
    const nested = b.errors.splice(before);
    const cycles = nested.filter((e) => e.message.startsWith('segment cycle:'));
    for (const e of cycles.length > 0 ? cycles : nested) {
      b.error(
        path,
        e.message.startsWith('segment cycle:')
          ? e.message
          : `${describeSegment(id, b.context)} is no longer valid: ${e.path}: ${e.message}`,
      );
    }
    return undefined;
  }
  return sql === undefined ? undefined : `(${sql})`;
}

function describeSegment(id: number, context: CriteriaContext): string {
  return `segment ${id} ${JSON.stringify(context.segments.get(id)?.name ?? '')}`;
}

interface ResolvedField {
  info: CriteriaField;
  builtin?: BuiltinField;
  custom?: CustomFieldDefinition;
}

function resolveField(raw: unknown, catalogue: FieldCatalogue): ResolvedField | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const name = String(raw).trim();
  if (/^\d+$/.test(name)) {
    const custom = catalogue.field(Number(name));
    return custom ? { info: customCriteriaField(custom), custom } : undefined;
  }
  const builtin = builtinField(name);
  return builtin ? { info: builtinCriteriaField(builtin), builtin } : undefined;
}

function leaf(value: Record<string, unknown>, path: string, b: Builder): string | undefined {
  const extra = Object.keys(value).filter((k) => !LEAF_KEYS.has(k));
  if (extra.length > 0) return b.error(path, `unexpected key ${extra.map((k) => `"${k}"`).join(', ')}`);
  const field = resolveField(value.field, b.context.catalogue);
  if (!field) {
    return b.error(
      path,
      `unknown field ${display(value.field)}; use a built-in key or a custom field id (GET /segments/fields lists them)`,
    );
  }
  const label = `${field.info.format} field ${JSON.stringify(field.info.labelEn)}`;
  const op = value.op;
  if (typeof op !== 'string' || !(field.info.operators as readonly string[]).includes(op)) {
    return b.error(
      path,
      typeof op === 'string'
        ? `operator ${op} is not valid for ${label}; use one of ${field.info.operators.join(', ')}`
        : `"op" is missing; use one of ${field.info.operators.join(', ')} for ${label}`,
    );
  }
  const operands = readOperands(value, op as Operator, label, path, b);
  if (operands === undefined) return undefined;
  const target: Target = { field, label, path };
  switch (field.info.kind) {
    case 'text':
      return textCriterion(target, op as OperatorOf<'text'>, operands, b);
    case 'number':
      return numberCriterion(target, op as OperatorOf<'number'>, operands, b);
    case 'date':
      return dateCriterion(target, op as OperatorOf<'date'>, operands, b);
    case 'single':
    case 'multi':
      return listCriterion(target, op as OperatorOf<'single' | 'multi'>, operands, b);
    case 'enum':
      return enumCriterion(target, op as OperatorOf<'enum'>, operands, b);
    case 'boolean':
      return booleanCriterion(target, op as OperatorOf<'boolean'>, operands, b);
  }
}

interface Target {
  field: ResolvedField;
  label: string;
  path: string;
}

/** The operands an operator needs, from `value` or `values`. */
function readOperands(
  value: Record<string, unknown>,
  op: Operator,
  label: string,
  path: string,
  b: Builder,
): unknown[] | undefined {
  const shape = OPERAND_SHAPES[op];
  const given: unknown[] | undefined = Array.isArray(value.values)
    ? value.values
    : Array.isArray(value.value)
      ? value.value
      : value.value !== undefined && value.value !== null
        ? [value.value]
        : value.values !== undefined && value.values !== null
          ? [value.values]
          : undefined;
  switch (shape) {
    case 'none':
      return [];
    case 'one':
    case 'days':
      if (!given || given.length !== 1) return b.error(path, `operator ${op} takes one "value" for ${label}`);
      if (shape === 'days') {
        const days = given[0];
        if (
          typeof days !== 'number' ||
          !Number.isInteger(days) ||
          days < (op === 'inLastDays' || op === 'notInLastDays' ? 1 : 0) ||
          days > MAX_DAYS
        ) {
          return b.error(
            path,
            `operator ${op} takes a whole number of days (${op === 'anniversaryInNextDays' ? 0 : 1} to ${MAX_DAYS}), not ${display(days)}`,
          );
        }
      }
      return given;
    case 'range':
      if (!given || given.length !== 2) {
        return b.error(path, `operator between takes two "values" [from, to] for ${label}`);
      }
      return given;
    case 'many':
      if (!given || given.length === 0)
        return b.error(path, `operator ${op} takes a non-empty "values" list for ${label}`);
      if (given.length > 1000) return b.error(path, `operator ${op} takes at most 1000 values`);
      return given;
  }
}

// ——— text ———

function textExpression(t: Target, b: Builder): { raw: string; folded: string } {
  if (t.field.builtin) {
    const raw = b.column(t.field.builtin.column);
    // Emails are stored lower-cased: compared as they are, so the (account_id, email) index serves them.
    return { raw, folded: t.field.builtin.format === 'Email' ? raw : `lower(${raw})` };
  }
  const raw = `(${b.column('fields')}->>${b.param(String(t.field.custom!.id), 'text')})`;
  return { raw, folded: `lower(${raw})` };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function readText(value: unknown, t: Target, b: Builder): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return b.error(t.path, `${t.label} takes text values, not ${display(value)}`);
  if (value.length > MAX_TEXT) return b.error(t.path, `a value is longer than ${MAX_TEXT} characters`);
  return value;
}

function textCriterion(t: Target, op: OperatorOf<'text'>, operands: unknown[], b: Builder): string | undefined {
  const texts = operands.map((v) => readText(v, t, b));
  if (texts.some((v) => v === undefined)) return undefined;
  const e = textExpression(t, b);
  const like = (pattern: string) => `${e.folded} LIKE lower(${b.param(pattern, 'text')})`;
  const value = texts[0]!;
  const positive = (): string => {
    switch (op) {
      case 'equals':
      case 'notEquals':
        return `${e.folded} = lower(${b.param(value, 'text')})`;
      case 'startsWith':
      case 'notStartsWith':
        return like(`${escapeLike(value)}%`);
      case 'endsWith':
      case 'notEndsWith':
        return like(`%${escapeLike(value)}`);
      case 'contains':
      case 'notContains':
        return like(`%${escapeLike(value)}%`);
      case 'in':
      case 'notIn':
      case 'isEmpty':
      case 'isNotEmpty':
        return `${e.folded} = ANY(${b.param(
          (texts as string[]).map((s) => s.toLowerCase()),
          'text[]',
        )})`;
    }
  };
  // Addresses are stored normalised or not at all (never ''): a bare NULL test lets the consent indexes alone answer.
  const normalised = t.field.builtin?.format === 'Email' || t.field.builtin?.format === 'Mobile';
  if (op === 'isEmpty') return normalised ? `${e.raw} IS NULL` : `(${e.raw} IS NULL OR ${e.raw} = '')`;
  if (op === 'isNotEmpty') return normalised ? `${e.raw} IS NOT NULL` : `(${e.raw} IS NOT NULL AND ${e.raw} <> '')`;
  const sql = positive();
  // Text negatives match contacts without a value too (seed: "pris en compte même si les champs ne sont pas renseignés").
  return NEGATIVE_OPERATORS.has(op) ? `((${sql}) IS NOT TRUE)` : sql;
}

// ——— number ———

function readNumberValue(value: unknown, t: Target, b: Builder): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    return b.error(t.path, `${t.label} takes numbers, not ${display(value)}`);
  }
  return number;
}

function numberCriterion(t: Target, op: OperatorOf<'number'>, operands: unknown[], b: Builder): string | undefined {
  const numbers = operands.map((v) => readNumberValue(v, t, b));
  if (numbers.some((v) => v === undefined)) return undefined;
  const builtin = t.field.builtin;
  // Built lazily: a placeholder that the SQL does not use would leave PostgreSQL unable to type it.
  const expression = (): string => {
    if (builtin) return b.column(builtin.column);
    const json = `${b.column('fields')}->${b.param(String(t.field.custom!.id), 'text')}`;
    return `(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::text::numeric END)`;
  };
  const number = (n: number) => b.param(n, builtin ? 'bigint' : 'numeric');
  if (builtin && numbers.some((n) => !Number.isInteger(n))) return b.error(t.path, `${t.label} takes whole numbers`);
  // Equality on a custom number is a containment, which the GIN index on `fields` serves.
  const equals = (n: number) =>
    builtin
      ? `${expression()} = ${number(n)}`
      : `${b.column('fields')} @> ${b.param(JSON.stringify({ [String(t.field.custom!.id)]: n }), 'jsonb')}`;
  switch (op) {
    case 'equals':
      return equals(numbers[0]!);
    case 'notEquals':
      return `((${equals(numbers[0]!)}) IS NOT TRUE)`;
    case 'greaterThan':
      return `${expression()} > ${number(numbers[0]!)}`;
    case 'lessThan':
      return `${expression()} < ${number(numbers[0]!)}`;
    case 'between': {
      const [low, high] = [Math.min(numbers[0]!, numbers[1]!), Math.max(numbers[0]!, numbers[1]!)];
      return `${expression()} BETWEEN ${number(low)} AND ${number(high)}`;
    }
    case 'isEmpty':
      return `${expression()} IS NULL`;
    case 'isNotEmpty':
      return `${expression()} IS NOT NULL`;
  }
}

// ——— dates ———

/** `yyyy-MM-dd` of an instant in a zone. */
export function dayIn(timezone: string, instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The `MM-dd` of the days from `today` to `today + days`; 29 February birthdays fall on the 28th in other years. */
export function anniversaryDays(today: string, days: number): string[] {
  const out = new Set<string>();
  for (let i = 0; i <= Math.min(days, 366); i++) {
    const day = addDays(today, i);
    out.add(day.slice(5));
    if (day.slice(5) === '02-28' && !isLeapYear(Number(day.slice(0, 4)))) out.add('02-29');
  }
  return [...out];
}

function readDay(value: unknown, t: Target, b: Builder): string | undefined {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value) return value;
  }
  return b.error(t.path, `${t.label} takes dates written yyyy-MM-dd, not ${display(value)}`);
}

function dateCriterion(t: Target, op: OperatorOf<'date'>, operands: unknown[], b: Builder): string | undefined {
  const builtin = t.field.builtin;
  // Custom dates are `yyyy-MM-dd` text (compared as text); birthdate is a date; the others are instants.
  const storage: 'text' | 'date' | 'instant' = !builtin ? 'text' : builtin.format === 'Date' ? 'date' : 'instant';
  const expression = builtin
    ? b.column(builtin.column)
    : `(${b.column('fields')}->>${b.param(String(t.field.custom!.id), 'text')})`;
  const today = dayIn(b.context.timezone, b.context.now);
  /** Days from `from` to `to`, both included. */
  const range = (from: string | undefined, to: string | undefined): string => {
    const parts: string[] = [];
    if (storage === 'instant') {
      const start = (day: string) => `(${b.param(day, 'timestamp')} AT TIME ZONE ${b.timezone()})`;
      if (from !== undefined) parts.push(`${expression} >= ${start(from)}`);
      if (to !== undefined) parts.push(`${expression} < ${start(addDays(to, 1))}`);
    } else {
      const type = storage === 'text' ? 'text' : 'date';
      if (from !== undefined) parts.push(`${expression} >= ${b.param(from, type)}`);
      if (to !== undefined) parts.push(`${expression} <= ${b.param(to, type)}`);
    }
    return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  };
  switch (op) {
    case 'isEmpty':
      return storage === 'text' ? `(${expression} IS NULL OR ${expression} = '')` : `${expression} IS NULL`;
    case 'isNotEmpty':
      return storage === 'text' ? `(${expression} IS NOT NULL AND ${expression} <> '')` : `${expression} IS NOT NULL`;
    case 'inLastDays':
    case 'notInLastDays': {
      const sql = range(addDays(today, -((operands[0] as number) - 1)), today);
      return op === 'inLastDays' ? sql : `((${sql}) IS NOT TRUE)`;
    }
    case 'anniversaryInNextDays': {
      const monthDay =
        storage === 'text'
          ? `substr(${expression}, 6, 5)`
          : storage === 'date'
            ? `to_char(${expression}, 'MM-DD')`
            : `to_char(${expression} AT TIME ZONE ${b.timezone()}, 'MM-DD')`;
      return `${monthDay} = ANY(${b.param(anniversaryDays(today, operands[0] as number), 'text[]')})`;
    }
    case 'on':
    case 'before':
    case 'after':
    case 'between':
      break;
  }
  const days = operands.map((v) => readDay(v, t, b));
  if (days.some((d) => d === undefined)) return undefined;
  switch (op) {
    case 'on':
      return range(days[0], days[0]);
    case 'before':
      return range(undefined, addDays(days[0]!, -1));
    case 'after':
      return range(addDays(days[0]!, 1), undefined);
    case 'between': {
      const [from, to] = [days[0]!, days[1]!].sort();
      return range(from, to);
    }
  }
}

// ——— custom lists ———

function readListValue(value: unknown, t: Target, b: Builder): number | undefined {
  const custom = t.field.custom!;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  const found =
    text === undefined
      ? undefined
      : ((/^\d+$/.test(text) ? custom.valuesById.get(Number(text)) : undefined) ??
        custom.valuesByText.get(text.toLowerCase()));
  if (!found) {
    const known = [...custom.valuesById.values()].map((v) => `${v.id} "${v.text}"`).join(', ');
    return b.error(
      t.path,
      `${display(value)} is not a value of ${t.label}${known ? ` (values: ${known})` : ' (it has no values yet)'}`,
    );
  }
  return found.id;
}

function listCriterion(
  t: Target,
  op: OperatorOf<'single' | 'multi'>,
  operands: unknown[],
  b: Builder,
): string | undefined {
  const ids = operands.map((v) => readListValue(v, t, b));
  if (ids.some((id) => id === undefined)) return undefined;
  const key = String(t.field.custom!.id);
  const multi = t.field.info.kind === 'multi';
  const fields = b.column('fields');
  const hasValue = (): string => {
    const json = `${fields}->${b.param(key, 'text')}`;
    return multi
      ? `jsonb_array_length(CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} END) > 0`
      : `jsonb_typeof(${json}) = 'number'`;
  };
  // Containments, one per value, so the GIN index on `fields` serves every positive operator.
  const contains = (values: number[]) =>
    `${fields} @> ${b.param(JSON.stringify({ [key]: multi ? values : values[0] }), 'jsonb')}`;
  const anyOf = (values: number[]) =>
    values.length === 1 ? contains(values) : `(${values.map((v) => contains([v])).join(' OR ')})`;
  const values = [...new Set(ids as number[])];
  switch (op) {
    case 'isEmpty':
      return `((${hasValue()}) IS NOT TRUE)`;
    case 'isNotEmpty':
      return `(${hasValue()})`;
    case 'equals':
    case 'in':
    case 'hasAny':
      return anyOf(values);
    case 'hasAll':
      return contains(values);
    // List negatives match only contacts that have a value (seed: "uniquement si, au moins, une valeur est renseignée").
    case 'notEquals':
    case 'notIn':
    case 'hasNone':
      return `((${hasValue()}) AND (${anyOf(values)}) IS NOT TRUE)`;
  }
}

// ——— built-in lists: opt-ins, statuses, activity ———

function enumCriterion(t: Target, op: OperatorOf<'enum'>, operands: unknown[], b: Builder): string | undefined {
  const builtin = t.field.builtin!;
  const allowed = (t.field.info.values ?? []).map((v) => String(v.value));
  const words: string[] = [];
  for (const operand of operands) {
    const word = typeof operand === 'string' ? operand.trim().toLowerCase() : undefined;
    if (word === undefined || !allowed.includes(word)) {
      return b.error(t.path, `${display(operand)} is not a value of ${t.label}; use one of ${allowed.join(', ')}`);
    }
    const shorthand = (STATUS_SHORTHANDS as Record<string, Record<string, readonly string[]>>)[builtin.key]?.[word];
    words.push(...(shorthand ?? [word]));
  }
  const selected = [...new Set(words)];
  const negative = op === 'notEquals' || op === 'notIn';
  if (builtin.format === 'Activity') {
    const cutoff = new Date(b.context.now.getTime() - b.context.activityDays * 86_400_000);
    const wantsActive = selected.includes('active') !== negative;
    const wantsInactive = selected.includes('inactive') !== negative;
    if (wantsActive && wantsInactive) return 'TRUE';
    if (!wantsActive && !wantsInactive) return 'FALSE';
    const active = `${b.column(builtin.column)} >= ${b.param(cutoff.toISOString(), 'timestamptz')}`;
    return wantsActive ? active : `((${active}) IS NOT TRUE)`;
  }
  const column = b.column(builtin.column);
  const list = selected.length === 1 ? `= ${b.param(selected[0], 'text')}` : `= ANY(${b.param(selected, 'text[]')})`;
  // A list negative matches only contacts with a value: NULL <> x is not true.
  return negative ? `((${column} ${list}) IS FALSE)` : `${column} ${list}`;
}

function booleanCriterion(t: Target, op: OperatorOf<'boolean'>, operands: unknown[], b: Builder): string | undefined {
  const column = b.column(t.field.builtin!.column);
  if (op === 'isEmpty') return `${column} IS NULL`;
  if (op === 'isNotEmpty') return `${column} IS NOT NULL`;
  const raw = operands[0];
  const value = raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : undefined;
  if (value === undefined) return b.error(t.path, `${t.label} takes true or false, not ${display(raw)}`);
  return op === 'equals' ? `${column} = ${b.param(value, 'boolean')}` : `${column} <> ${b.param(value, 'boolean')}`;
}

// ——— helpers ———

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readId(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

function display(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function childPath(parent: string, step: string): string {
  return parent === 'root' ? step : `${parent}.${step}`;
}

/** The segment, group and import ids a tree names, nested segments included (to load what the compiler needs). */
export function referencedIds(
  tree: unknown,
  segments: ReadonlyMap<number, SavedTree>,
): { segments: Set<number>; groups: Set<number>; imports: Set<number> } {
  const found = { segments: new Set<number>(), groups: new Set<number>(), imports: new Set<number>() };
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isObject(value)) return;
    const group = readId(value.inGroup);
    if (group !== undefined) found.groups.add(group);
    const operation = readId(value.inImport);
    if (operation !== undefined) found.imports.add(operation);
    const segment = readId(value.inSegment);
    if (segment !== undefined && !found.segments.has(segment)) {
      found.segments.add(segment);
      walk(segments.get(segment)?.tree);
    }
    walk(value.all);
    walk(value.any);
    walk(value.not);
  };
  walk(tree);
  return found;
}

/** The segment ids a tree names directly (not through nested segments): what "in use by" means. */
export function directSegmentIds(tree: unknown): number[] {
  const ids = new Set<number>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isObject(value)) return;
    const segment = readId(value.inSegment);
    if (segment !== undefined) ids.add(segment);
    walk(value.all);
    walk(value.any);
    walk(value.not);
  };
  walk(tree);
  return [...ids];
}
