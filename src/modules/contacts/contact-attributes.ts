import { formatUtc, parseDate, parseInstant } from '../../common/dates';
import { isEmailSyntaxValid, normalizeEmail } from '../../common/email';
import { ErrorDetail } from '../../common/errors';
import { readPhone } from '../../common/phone';
import { BUILTIN_FIELDS, BuiltinField, builtinField } from '../fields/builtin-fields';
import { CustomFieldDefinition, FieldCatalogue } from '../fields/field-catalogue';
import { dateFormatOf } from '../fields/field-options';
import {
  OPTINS,
  readEmailStatus,
  readMobileStatus,
  readOptIn,
  EMAIL_STATUSES,
  MOBILE_STATUSES,
} from '../deliverability-status/status-rules';

export type AttributeValue = string | number | boolean | null | undefined;

export interface AttributeInput {
  /** The field as v4 documents it (`ContactAttribute.id`); wins over `fieldName`. */
  id?: string | number | null;
  fieldName?: string | null;
  fieldValue?: AttributeValue;
}

/** A validated change to one contact: built-in columns by column name, custom values by field id. */
export interface ContactPatch {
  columns: Record<string, unknown>;
  fields: Record<string, unknown>;
}

export interface ReadContext {
  catalogue: FieldCatalogue;
  defaultCountry: string;
}

export type Reading = { value: unknown } | { problem: string };

/** Reads one cell or attribute of a built-in field as the account stores it. */
export function readBuiltin(field: BuiltinField, raw: string, context: ReadContext): Reading {
  if (field.readOnly) return { problem: `${field.key} is read-only` };
  const value = raw.trim();
  if (value === '') return { value: null };
  switch (field.format) {
    case 'ShortText':
      return { value };
    case 'Email': {
      const email = normalizeEmail(value);
      return isEmailSyntaxValid(email) ? { value: email } : { problem: `"${value}" is not a valid email address` };
    }
    case 'Mobile': {
      const phone = readPhone(value, context.defaultCountry);
      return phone
        ? { value: phone.e164 }
        : {
            problem: `"${value}" is not a valid phone number (national numbers are read as ${context.defaultCountry})`,
          };
    }
    case 'Phone':
      return { value: readPhone(value, context.defaultCountry, { lineType: false })?.e164 ?? value };
    case 'Date': {
      const date = parseDate(value);
      return date ? { value: date } : { problem: `"${value}" is not a valid date; use yyyy-MM-dd or dd/mm/yyyy` };
    }
    case 'DateTime': {
      const instant = parseInstant(value);
      return instant
        ? { value: instant }
        : { problem: `"${value}" is not a valid date; use yyyy-MM-dd HH:mm:ss (UTC)` };
    }
    case 'OptIn': {
      const optIn = readOptIn(value);
      return optIn ? { value: optIn } : { problem: `"${value}" is not an opt-in; use one of ${OPTINS.join(', ')}` };
    }
    case 'EmailStatus': {
      const status = readEmailStatus(value);
      return status
        ? { value: status }
        : { problem: `"${value}" is not an email status; use one of ${EMAIL_STATUSES.join(', ')}` };
    }
    case 'MobileStatus': {
      const status = readMobileStatus(value);
      return status
        ? { value: status }
        : { problem: `"${value}" is not an SMS status; use one of ${MOBILE_STATUSES.join(', ')}` };
    }
    case 'Boolean': {
      const optIn = readOptIn(value);
      return optIn === 'yes' || optIn === 'no'
        ? { value: optIn === 'yes' }
        : { problem: `"${value}" is not true or false` };
    }
    case 'Activity':
    case 'ImportId':
      return { problem: `${field.key} is read-only` };
  }
}

/** Reads a number as people type it: `1 234,5`, `1234.5`, `-3`. */
export function readNumber(raw: string): number | undefined {
  const compact = raw.trim().replace(/[\s\u00a0]/g, '');
  const normalised = /^-?\d+,\d+$/.test(compact) ? compact.replace(',', '.') : compact;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(normalised)) return undefined;
  const value = Number(normalised);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * A list cell or attribute, comma-separated: value ids when every part is an id of the field's values (what the
 * `attributevalueid` reads give), else value texts (what the plain reads give).
 */
function readListValueIds(field: CustomFieldDefinition, raw: string): { ids: number[] } | { problem: string } {
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const byId = parts.every((part) => /^\d+$/.test(part) && field.valuesById.has(Number(part)));
  const ids: number[] = [];
  for (const part of parts) {
    const value = byId ? field.valuesById.get(Number(part)) : field.valuesByText.get(part.toLowerCase());
    if (!value) {
      return {
        problem: /^\d+$/.test(part)
          ? `value id ${part} is not a value of field ${field.id} ("${field.name}"); list its values with GET /account/contactattribute/value/${field.id}`
          : `"${part}" is not a value of field ${field.id} ("${field.name}")`,
      };
    }
    if (!ids.includes(value.id)) ids.push(value.id);
  }
  return { ids };
}

/** Reads one cell or attribute of a custom field; list values are given by id or by text. */
export function readCustom(field: CustomFieldDefinition, raw: string): Reading {
  const value = raw.trim();
  if (value === '') return { value: null };
  switch (field.format) {
    case 'ShortText':
      return value.length <= 4000 ? { value } : { problem: 'text is longer than 4000 characters' };
    case 'Number': {
      const number = readNumber(value);
      return number === undefined ? { problem: `"${value}" is not a number` } : { value: number };
    }
    case 'DateTime': {
      const date = parseDate(value, dateFormatOf(field.options));
      return date ? { value: date } : { problem: `"${value}" is not a valid date in the format ${field.options}` };
    }
    case 'SingleSelection': {
      const reading = readListValueIds(field, value);
      if ('problem' in reading) return reading;
      return reading.ids.length === 1
        ? { value: reading.ids[0] }
        : { problem: 'a single-selection field takes one value' };
    }
    case 'MultipleSelection': {
      const reading = readListValueIds(field, value);
      return 'problem' in reading ? reading : { value: reading.ids.length > 0 ? reading.ids : null };
    }
  }
}

/**
 * Reads v4 `attributes` (the field named by `id` or `fieldName`: a built-in key or a custom field id) into a
 * patch; every attribute that cannot be read is reported with what to fix.
 */
export function readAttributes(
  attributes: AttributeInput[],
  context: ReadContext,
): { patch: ContactPatch; errors: ErrorDetail[] } {
  const patch: ContactPatch = { columns: {}, fields: {} };
  const errors: ErrorDetail[] = [];
  for (const { id, fieldName, fieldValue } of attributes) {
    const name = String(id ?? fieldName ?? '').trim();
    const raw = fieldValue === null || fieldValue === undefined ? '' : String(fieldValue);
    const builtin = builtinField(name);
    const custom = /^\d+$/.test(name) ? context.catalogue.field(Number(name)) : undefined;
    let reading: Reading;
    if (builtin) reading = readBuiltin(builtin, raw, context);
    else if (custom) reading = readCustom(custom, raw);
    else {
      errors.push({
        field: name,
        message: `Unknown attribute "${name}": use a built-in key (GET /account/contactattribute/builtin) or a custom field id (GET /account/contactattribute)`,
      });
      continue;
    }
    if ('problem' in reading) errors.push({ field: name, message: `${name}: ${reading.problem}` });
    else if (builtin) patch.columns[builtin.column] = reading.value;
    else patch.fields[name] = reading.value;
  }
  return { patch, errors };
}

export type ContactRow = Record<string, unknown> & {
  id: number;
  unique_key: string | null;
  fields: Record<string, unknown>;
};

/** Whether a stored value and a written one are the same: dates by the instant they name, lists by content. */
function sameStoredValue(stored: unknown, written: unknown): boolean {
  if (stored instanceof Date || written instanceof Date) {
    const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN);
    return time(stored) === time(written);
  }
  if (typeof stored === 'object' && stored !== null) return JSON.stringify(stored) === JSON.stringify(written);
  return (stored ?? null) === (written ?? null);
}

/** The built-in columns and custom values of a write that differ from what `existing` stores. */
export function changedValues(
  existing: ContactRow,
  columns: Record<string, unknown>,
  fields: Record<string, unknown>,
): { columns: Record<string, unknown>; fields: Record<string, unknown> } {
  return {
    columns: Object.fromEntries(Object.entries(columns).filter(([c, v]) => !sameStoredValue(existing[c], v))),
    fields: Object.fromEntries(Object.entries(fields).filter(([id, v]) => !sameStoredValue(existing.fields[id], v))),
  };
}

export interface ContactAttribute {
  /** The field: a built-in key or a custom field id as a string. */
  id: string;
  fieldName: string;
  fieldValue: string;
}

/** How list values are shown: as value texts (plain v4 reads) or value ids (`attributevalueid` reads, SPEC §4). */
export type ListValues = 'texts' | 'ids';

function renderBuiltin(field: BuiltinField, value: unknown, activityDays: number): string {
  if (value instanceof Date) {
    if (field.format === 'Activity') {
      const cutoff = Date.now() - activityDays * 86_400_000;
      return value.getTime() >= cutoff ? 'active' : 'inactive';
    }
    return formatUtc(value);
  }
  return String(value);
}

function renderCustom(field: CustomFieldDefinition, value: unknown, lists: ListValues): string {
  if (lists === 'ids' || (field.format !== 'SingleSelection' && field.format !== 'MultipleSelection')) {
    return Array.isArray(value) ? value.join(',') : String(value);
  }
  const ids = Array.isArray(value) ? value : [value];
  return ids.map((id) => field.valuesById.get(Number(id))?.text ?? String(id)).join(',');
}

/**
 * A contact as the v4 API shows it: every non-empty built-in and custom value, as text; `activity` is
 * `active` when the last open or click is within the account's `activityDays`, else `inactive`.
 */
export function renderAttributes(
  row: ContactRow,
  catalogue: FieldCatalogue,
  activityDays: number,
  lists: ListValues = 'texts',
): ContactAttribute[] {
  const attributes: ContactAttribute[] = [];
  for (const field of BUILTIN_FIELDS) {
    const value = row[field.column];
    if (value !== null && value !== undefined) {
      attributes.push({ id: field.key, fieldName: field.key, fieldValue: renderBuiltin(field, value, activityDays) });
    }
  }
  for (const [id, value] of Object.entries(row.fields)) {
    const field = catalogue.field(Number(id));
    if (value !== null && field) {
      attributes.push({ id, fieldName: id, fieldValue: renderCustom(field, value, lists) });
    }
  }
  return attributes;
}

/** A contact as Carnet's reads show it (`ContactData` without the v4 token). */
export function toContactData(
  row: ContactRow,
  catalogue: FieldCatalogue,
  activityDays: number,
  lists: ListValues = 'texts',
): { id: number; contactKey: string | null; attributes: ContactAttribute[] } {
  return { id: row.id, contactKey: row.unique_key, attributes: renderAttributes(row, catalogue, activityDays, lists) };
}
