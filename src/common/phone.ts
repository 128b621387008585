import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/metadata.max.json';

export interface PhoneReading {
  /** E.164 form, e.g. +33612345678. */
  e164: string;
  /** False when the number is valid but not a mobile line (a landline, say). */
  isMobile: boolean;
}

export interface PhoneOptions {
  /** False skips telling mobiles from landlines (cheaper; `isMobile` is then meaningless). */
  lineType: boolean;
}

const WITH_LINE_TYPE: PhoneOptions = { lineType: true };

/**
 * Reads a phone number written nationally (`06 12 34 56 78`, or `612345678` when a spreadsheet
 * dropped the leading zero) or internationally (`+33 6…`, `0033 6…`) in E.164. Undefined when
 * it is not a valid number. The common shapes are read straight from libphonenumber-js's own metadata
 * (`readPhoneFromMetadata`); any other shape, or any doubt, goes through the library's parser.
 */
export function readPhone(raw: string, defaultCountry: string, options = WITH_LINE_TYPE): PhoneReading | undefined {
  const compact = raw.replace(/[\s.\-()/]/g, '');
  if (compact === '') return undefined;
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const fast = readPhoneFromMetadata(international, defaultCountry);
  if (fast !== UNSURE) return fast && (options.lineType ? fast : { e164: fast.e164, isMobile: true });
  return parseWithLibrary(international, defaultCountry, options);
}

/** `readPhone` through libphonenumber-js's parser alone: the reference the metadata reading is checked against. */
export function readPhoneWithParser(
  raw: string,
  defaultCountry: string,
  options = WITH_LINE_TYPE,
): PhoneReading | undefined {
  const compact = raw.replace(/[\s.\-()/]/g, '');
  if (compact === '') return undefined;
  return parseWithLibrary(compact.startsWith('00') ? `+${compact.slice(2)}` : compact, defaultCountry, options);
}

function parseWithLibrary(
  international: string,
  defaultCountry: string,
  options: PhoneOptions,
): PhoneReading | undefined {
  const country = defaultCountry as CountryCode;
  let parsed = parsePhoneNumberFromString(international, country);
  if ((!parsed || !parsed.isValid()) && /^\d+$/.test(international) && !international.startsWith('0')) {
    // A number typed in a spreadsheet cell loses its leading trunk zero: try it back.
    parsed = parsePhoneNumberFromString(`0${international}`, country);
  }
  if (!parsed) return undefined;
  if (!options.lineType) return parsed.isValid() ? { e164: parsed.number, isMobile: true } : undefined;
  // A known type implies a valid number: checking the type first spares most numbers a second match.
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) return undefined;
  return { e164: parsed.number, isMobile: type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' };
}

// ---------------------------------------------------------------------------------------------------------------
// The common shapes from the library's metadata. libphonenumber-js compiles each pattern of its metadata anew on
// every call (7–20 µs a number); the same patterns compiled once answer in about a microsecond. Each step below
// mirrors the library's parser (parse.js, extractCountryCallingCode, extractNationalNumber, getCountryByCallingCode,
// getNumberType) for digits with or without a leading `+`; wherever the parser would take a branch not mirrored
// here (carrier codes, prefix transforms, a national number starting with the calling code, non-geographic codes,
// countries without type patterns, no country found), the answer is UNSURE and the parser decides.
// ---------------------------------------------------------------------------------------------------------------

/** The metadata's compressed country entry (format version 4): the fields read here. */
type CountryEntry = [
  callingCode: string,
  iddPrefix: string,
  nationalNumberPattern: string,
  possibleLengths: number[],
  formats: unknown,
  nationalPrefix: string | 0 | undefined,
  nationalPrefixFormattingRule: unknown,
  nationalPrefixForParsing: string | 0 | undefined,
  nationalPrefixTransformRule: unknown,
  nationalPrefixOptional: unknown,
  leadingDigits: string | 0 | undefined,
  types: (TypeEntry | 0 | undefined)[] | 0 | undefined,
];
type TypeEntry = [pattern: string, possibleLengths?: number[]];

interface NumberType {
  pattern: RegExp | undefined;
  lengths: number[];
}

interface NumberingPlan {
  callingCode: string;
  idd: RegExp;
  nationalNumber: RegExp;
  lengths: number[];
  /** The national (trunk) prefix as read when parsing, anchored at the start; undefined when the country has none. */
  nationalPrefix: RegExp | undefined;
  leadingDigits: RegExp | undefined;
  /** FIXED_LINE, MOBILE, then every other type; undefined when the country's metadata has no types. */
  fixedLine: NumberType | undefined;
  mobile: NumberType | undefined;
  others: NumberType[];
  hasTypes: boolean;
}

const METADATA = metadataJson as unknown as {
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, CountryEntry>;
};
const UNSURE = 'unsure';
type FastReading = PhoneReading | undefined | typeof UNSURE;
const DIGITS = /^\d+$/;
const plans = new Map<string, NumberingPlan | undefined>();

function compileType(entry: TypeEntry | 0 | undefined, lengths: number[]): NumberType | undefined {
  if (!entry) return undefined;
  return { pattern: entry[0] ? new RegExp(`^(?:${entry[0]})$`) : undefined, lengths: entry[1] || lengths };
}

function planOf(country: string): NumberingPlan | undefined {
  if (plans.has(country)) return plans.get(country);
  const entry = Object.hasOwn(METADATA.countries, country) ? METADATA.countries[country] : undefined;
  let plan: NumberingPlan | undefined;
  if (entry) {
    const [callingCode, idd, pattern, lengths, , prefix, , prefixForParsing, , , leadingDigits, types] = entry;
    const parsingPrefix = prefixForParsing || prefix;
    const typeList = types && types.length > 0 ? types : undefined;
    plan = {
      callingCode,
      idd: new RegExp(idd),
      nationalNumber: new RegExp(`^(?:${pattern})$`),
      lengths,
      nationalPrefix: parsingPrefix ? new RegExp(`^(?:${parsingPrefix})`) : undefined,
      leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
      fixedLine: typeList && compileType(typeList[0], lengths),
      mobile: typeList && compileType(typeList[1], lengths),
      others: typeList ? typeList.slice(2).flatMap((t) => compileType(t, lengths) ?? []) : [],
      hasTypes: !!typeList,
    };
  }
  plans.set(country, plan);
  return plan;
}

const isOfType = (type: NumberType | undefined, national: string) =>
  !!type?.pattern && type.lengths.includes(national.length) && type.pattern.test(national);

/** getNumberType: undefined (no type: invalid), else whether the type is MOBILE or FIXED_LINE_OR_MOBILE. */
function mobileness(plan: NumberingPlan, national: string): boolean | undefined {
  if (!plan.nationalNumber.test(national)) return undefined;
  if (isOfType(plan.fixedLine, national))
    return !plan.mobile || !plan.mobile.pattern || isOfType(plan.mobile, national);
  if (isOfType(plan.mobile, national)) return true;
  return plan.others.some((type) => isOfType(type, national)) ? false : undefined;
}

/** getCountryByCallingCode: the country of a national number among those sharing its calling code. */
function exactPlan(callingCode: string, national: string): NumberingPlan | undefined {
  const countries = METADATA.country_calling_codes[callingCode];
  if (!countries || countries[0] === '001') return undefined;
  if (countries.length === 1) return planOf(countries[0]);
  for (const country of countries) {
    const plan = planOf(country);
    if (!plan) return undefined;
    if (plan.leadingDigits) {
      if (national.search(plan.leadingDigits) === 0) return plan;
    } else if (mobileness(plan, national) !== undefined) return plan;
  }
  return undefined;
}

/**
 * extractNationalNumber: the digits with the national prefix taken off when the parser takes it off; undefined
 * (unsure) where it would read a carrier code or apply a transform, or where its keep-or-strip checks are not
 * settled here.
 */
function nationalOf(digits: string, plan: NumberingPlan): string | undefined {
  const match = plan.nationalPrefix?.exec(digits);
  if (!match) return digits;
  if (match.length > 1 && match[match.length - 1]) return undefined;
  const national = digits.slice(match[0].length);
  if (national === digits) return digits;
  // The parser keeps the prefix when the stripped number no longer fits the plan or is not a possible length.
  if (!plan.nationalNumber.test(national)) return undefined;
  const exact = exactPlan(plan.callingCode, national);
  if (!exact || !exact.lengths.includes(national.length)) return undefined;
  return national;
}

/** One parse of digits (`+` and digits, or digits read in `plan`'s country): valid, invalid, or UNSURE. */
function readDigits(number: string, home: NumberingPlan): FastReading {
  let callingCode: string;
  let plan: NumberingPlan | undefined;
  let digits: string;
  if (number[0] === '+') {
    if (number[1] === '0') return UNSURE;
    let length = 1;
    while (length <= 3 && !Object.hasOwn(METADATA.country_calling_codes, number.slice(1, 1 + length))) length++;
    if (length > 3) return UNSURE;
    callingCode = number.slice(1, 1 + length);
    const main = METADATA.country_calling_codes[callingCode][0];
    plan = main === '001' ? undefined : planOf(main);
    digits = number.slice(1 + length);
  } else {
    if (number.search(home.idd) === 0 || number.startsWith(home.callingCode)) return UNSURE;
    callingCode = home.callingCode;
    plan = home;
    digits = number;
  }
  if (!plan || !DIGITS.test(digits)) return UNSURE;
  const national = nationalOf(digits, plan);
  if (national === undefined || national.length < 2 || national.length > 17) return UNSURE;
  const exact = exactPlan(callingCode, national);
  if (!exact?.hasTypes) return UNSURE;
  const isMobile = mobileness(exact, national);
  return isMobile === undefined ? undefined : { e164: `+${callingCode}${national}`, isMobile };
}

/**
 * What the parser makes of `+` and digits or digits alone (separators taken off, `00` read as `+`), from the
 * metadata: a reading, undefined for an invalid number, or `'unsure'` where the parser must decide.
 */
export function readPhoneFromMetadata(international: string, defaultCountry: string): FastReading {
  if (international.length > 250) return UNSURE;
  const home = planOf(defaultCountry);
  if (!home) return UNSURE;
  const first = readDigits(international, home);
  if (first !== undefined) return first;
  // Invalid as written: like the parser, try a national number again with the trunk zero a spreadsheet dropped.
  if (!DIGITS.test(international) || international.startsWith('0')) return undefined;
  return readDigits(`0${international}`, home);
}

/**
 * The digit strings a file may hold a stored E.164 number as: international (`33612345678`, `0033612345678`) and
 * national (`0612345678`, `612345678` once a spreadsheet dropped the zero). For finding a number in raw cells.
 */
export function phoneDigitForms(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  const international = e164.replace(/\D/g, '');
  if (!parsed) return [international];
  const national = parsed.nationalNumber;
  return [...new Set([international, `00${international}`, `0${national}`, national])];
}
