import { DATE_FORMATS, parseDate } from '../../../common/dates';
import { isEmailSyntaxValid, normalizeEmail } from '../../../common/email';
import { readPhone } from '../../../common/phone';
import { builtinField, type BuiltinFormat } from '../../fields/builtin-fields';
import type { CustomFieldFormat } from '../../fields/custom-field.entity';
import type { CustomFieldDefinition, FieldCatalogue } from '../../fields/field-catalogue';

/** What a column's sample cells look like: how many of its non-empty values read as each kind. */
export interface ColumnProfile {
  /** The trimmed, non-empty sample values. */
  values: string[];
  emails: number;
  mobiles: number;
  landlines: number;
  /** Values that are not phone numbers at all. */
  notPhones: number;
  dates: number;
  yesNo: number;
  numbers: number;
  marks: number;
}

const X_MARKS = new Set(['x', 'oui', 'yes', '1', 'true']);
const YES_NO = new Set(['x', 'oui', 'yes', '1', 'true', 'non', 'no', '0', 'false']);

/** Whether a cell of an "X column" ticks its value (SPEC §5: `x X oui yes 1 true`). */
export function isXMark(text: string): boolean {
  return X_MARKS.has(text.trim().toLowerCase());
}

const isDate = (text: string) => DATE_FORMATS.some((format) => parseDate(text, format) !== undefined);
const isNumber = (text: string) => /^[+-]?\d+(?:[.,]\d+)?$/.test(text.replace(/[\s\u00a0]/g, ''));

export function profileColumn(samples: readonly string[], defaultCountry: string): ColumnProfile {
  const values = samples.map((sample) => sample.trim()).filter((sample) => sample !== '');
  const profile: ColumnProfile = {
    values,
    emails: 0,
    mobiles: 0,
    landlines: 0,
    notPhones: 0,
    dates: 0,
    yesNo: 0,
    numbers: 0,
    marks: 0,
  };
  for (const value of values) {
    const phone = readPhone(value, defaultCountry);
    if (!phone) profile.notPhones++;
    else if (phone.isMobile) profile.mobiles++;
    else profile.landlines++;
    if (isEmailSyntaxValid(normalizeEmail(value))) profile.emails++;
    if (isDate(value)) profile.dates++;
    if (YES_NO.has(value.toLowerCase())) profile.yesNo++;
    if (isNumber(value)) profile.numbers++;
    if (isXMark(value)) profile.marks++;
  }
  return profile;
}

/** How many values are made only of known list values, one or several separated by commas. */
export function countListValues(values: readonly string[], valuesByText: ReadonlyMap<string, unknown>): number {
  return values.filter((value) =>
    value
      .split(',')
      .map((part) => part.trim().toLowerCase())
      .filter((part) => part !== '')
      .every((part) => valuesByText.has(part)),
  ).length;
}

export interface Fit {
  fits: number;
  misfits: number;
  /** What fitting values are, for reasons: `email addresses`. */
  what: string;
}

// A number of the other kind (a landline in the mobile field) is stored all the same: only non-numbers misfit.
const BUILTIN_FITS: Record<BuiltinFormat, (profile: ColumnProfile) => Fit | undefined> = {
  Email: (p) => ({ fits: p.emails, misfits: p.values.length - p.emails, what: 'email addresses' }),
  Mobile: (p) => ({ fits: p.mobiles, misfits: p.notPhones, what: 'mobile numbers' }),
  Phone: (p) => ({ fits: p.landlines, misfits: p.notPhones, what: 'landline numbers' }),
  Date: (p) => ({ fits: p.dates, misfits: p.values.length - p.dates, what: 'dates' }),
  DateTime: (p) => ({ fits: p.dates, misfits: p.values.length - p.dates, what: 'dates' }),
  OptIn: (p) => ({ fits: p.yesNo, misfits: p.values.length - p.yesNo, what: 'yes/no values' }),
  Boolean: (p) => ({ fits: p.yesNo, misfits: p.values.length - p.yesNo, what: 'yes/no values' }),
  ShortText: () => undefined,
  EmailStatus: () => undefined,
  MobileStatus: () => undefined,
  Activity: () => undefined,
  ImportId: () => undefined,
};

const listFit = (p: ColumnProfile, field: CustomFieldDefinition): Fit => {
  const fits = countListValues(p.values, field.valuesByText);
  return { fits, misfits: p.values.length - fits, what: `values of "${field.name}"` };
};

const CUSTOM_FITS: Record<
  CustomFieldFormat,
  (profile: ColumnProfile, field: CustomFieldDefinition) => Fit | undefined
> = {
  Number: (p) => ({ fits: p.numbers, misfits: p.values.length - p.numbers, what: 'numbers' }),
  DateTime: (p) => ({ fits: p.dates, misfits: p.values.length - p.dates, what: 'dates' }),
  SingleSelection: listFit,
  MultipleSelection: listFit,
  ShortText: () => undefined,
};

/** How many sample values suit a target field, and how many clearly do not; undefined when any text suits it. */
export function contentFit(matching: string, profile: ColumnProfile, catalogue: FieldCatalogue): Fit | undefined {
  const builtin = builtinField(matching);
  if (builtin) return BUILTIN_FITS[builtin.format](profile);
  const field = catalogue.field(Number(matching));
  return field && CUSTOM_FITS[field.format](profile, field);
}
