import { BUILTIN_FIELDS, BuiltinField, BuiltinFormat } from '../fields/builtin-fields';
import type { CustomFieldDefinition, FieldCatalogue } from '../fields/field-catalogue';
import type { CustomFieldFormat } from '../fields/custom-field.entity';
import {
  EMAIL_STATUSES,
  HARD_EMAIL_STATUSES,
  HARD_MOBILE_STATUSES,
  MOBILE_STATUSES,
  OPTINS,
} from '../deliverability-status/status-rules';

/**
 * What a criteria builder needs to know about each field: the kind of criterion it takes, the operators of
 * SPEC §7 for that kind, and the values a list field accepts. Pure: the compiler and the catalogue endpoint
 * both read it, and exports may reuse its labels.
 */
export type CriterionKind = 'text' | 'number' | 'date' | 'single' | 'multi' | 'enum' | 'boolean';

export const OPERATORS = {
  text: [
    'equals',
    'notEquals',
    'startsWith',
    'notStartsWith',
    'endsWith',
    'notEndsWith',
    'contains',
    'notContains',
    'in',
    'notIn',
    'isEmpty',
    'isNotEmpty',
  ],
  number: ['equals', 'notEquals', 'greaterThan', 'lessThan', 'between', 'isEmpty', 'isNotEmpty'],
  date: [
    'on',
    'before',
    'after',
    'between',
    'inLastDays',
    'notInLastDays',
    'anniversaryInNextDays',
    'isEmpty',
    'isNotEmpty',
  ],
  single: ['equals', 'notEquals', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  multi: ['hasAny', 'hasAll', 'hasNone', 'isEmpty', 'isNotEmpty'],
  enum: ['equals', 'notEquals', 'in', 'notIn'],
  boolean: ['equals', 'notEquals', 'isEmpty', 'isNotEmpty'],
} as const satisfies Record<CriterionKind, readonly string[]>;

export type OperatorOf<K extends CriterionKind> = (typeof OPERATORS)[K][number];
export type Operator = OperatorOf<CriterionKind>;

/** What each operator expects: nothing, one value, a list of values, or exactly two (a range). */
export type OperandShape = 'none' | 'one' | 'many' | 'range' | 'days';

export const OPERAND_SHAPES: Record<Operator, OperandShape> = {
  equals: 'one',
  notEquals: 'one',
  startsWith: 'one',
  notStartsWith: 'one',
  endsWith: 'one',
  notEndsWith: 'one',
  contains: 'one',
  notContains: 'one',
  in: 'many',
  notIn: 'many',
  isEmpty: 'none',
  isNotEmpty: 'none',
  greaterThan: 'one',
  lessThan: 'one',
  between: 'range',
  on: 'one',
  before: 'one',
  after: 'one',
  inLastDays: 'days',
  notInLastDays: 'days',
  anniversaryInNextDays: 'days',
  hasAny: 'many',
  hasAll: 'many',
  hasNone: 'many',
};

/** Operators that also match contacts without a value (text, number, date: the seed's rule). */
export const NEGATIVE_OPERATORS: ReadonlySet<Operator> = new Set<Operator>([
  'notEquals',
  'notStartsWith',
  'notEndsWith',
  'notContains',
  'notIn',
  'notInLastDays',
  'hasNone',
]);

export interface CriteriaValue {
  /** What a criterion's value is: a value id for custom lists, the stored word for built-in lists. */
  value: string | number;
  label: string;
}

export interface CriteriaField {
  /** Built-in key or custom field id as a string: the criterion's `field`. */
  key: string;
  labelFr: string;
  labelEn: string;
  /** The field's own format (`ShortText`, `EmailStatus`, `MultipleSelection`…). */
  format: BuiltinFormat | CustomFieldFormat;
  kind: CriterionKind;
  operators: readonly Operator[];
  /** For list fields: the values accepted (custom lists also accept the value's text). */
  values?: CriteriaValue[];
  custom: boolean;
}

/** The shorthands of SPEC §7: `hard` and `soft` stand for several statuses. */
export const STATUS_SHORTHANDS: Record<'emailstatus' | 'mobilestatus', Record<'hard' | 'soft', readonly string[]>> = {
  emailstatus: { hard: HARD_EMAIL_STATUSES, soft: ['soft', 'absent', 'rejected'] },
  mobilestatus: { hard: HARD_MOBILE_STATUSES, soft: ['error'] },
};

const ENUM_WORDS: Partial<Record<BuiltinFormat, readonly string[]>> = {
  OptIn: OPTINS,
  EmailStatus: [...EMAIL_STATUSES, 'hard', 'soft'],
  MobileStatus: [...MOBILE_STATUSES, 'hard', 'soft'],
  Activity: ['active', 'inactive'],
};

const BUILTIN_KINDS: Record<BuiltinFormat, CriterionKind> = {
  ShortText: 'text',
  Email: 'text',
  Mobile: 'text',
  Phone: 'text',
  Date: 'date',
  DateTime: 'date',
  OptIn: 'enum',
  EmailStatus: 'enum',
  MobileStatus: 'enum',
  Activity: 'enum',
  Boolean: 'boolean',
  ImportId: 'number',
};

const CUSTOM_KINDS: Record<CustomFieldFormat, CriterionKind> = {
  ShortText: 'text',
  Number: 'number',
  DateTime: 'date',
  SingleSelection: 'single',
  MultipleSelection: 'multi',
};

export function builtinCriteriaField(field: BuiltinField): CriteriaField {
  const kind = BUILTIN_KINDS[field.format];
  const words = ENUM_WORDS[field.format];
  return {
    key: field.key,
    labelFr: field.labelFr,
    labelEn: field.labelEn,
    format: field.format,
    kind,
    operators: OPERATORS[kind],
    ...(words ? { values: words.map((w) => ({ value: w, label: w })) } : {}),
    ...(kind === 'boolean' ? { values: [true, false].map((b) => ({ value: String(b), label: String(b) })) } : {}),
    custom: false,
  };
}

export function customCriteriaField(field: CustomFieldDefinition): CriteriaField {
  const kind = CUSTOM_KINDS[field.format];
  const isList = kind === 'single' || kind === 'multi';
  return {
    key: String(field.id),
    labelFr: field.name,
    labelEn: field.name,
    format: field.format,
    kind,
    operators: OPERATORS[kind],
    ...(isList
      ? {
          values: [...field.valuesById.values()]
            .sort((a, b) => a.position - b.position)
            .map((v) => ({ value: v.id, label: v.text })),
        }
      : {}),
    custom: true,
  };
}

/** Every field a criterion may name, built-ins first (in the v4 order), then the account's custom fields by id. */
export function criteriaCatalogue(catalogue: FieldCatalogue): CriteriaField[] {
  return [
    ...BUILTIN_FIELDS.map(builtinCriteriaField),
    ...[...catalogue.byId.values()].sort((a, b) => a.id - b.id).map(customCriteriaField),
  ];
}
