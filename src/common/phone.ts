import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface PhoneReading {
  /** E.164 form, e.g. +33612345678. */
  e164: string;
  /** False when the number is valid but not a mobile line (a landline, say). */
  isMobile: boolean;
}

/**
 * Reads a phone number written nationally (`06 12 34 56 78`, or `612345678` when a spreadsheet
 * dropped the leading zero) or internationally (`+33 6…`, `0033 6…`) in E.164. Undefined when
 * it is not a valid number. `lineType: false` skips telling mobiles from landlines (cheaper; `isMobile` is then
 * meaningless).
 */
export function readPhone(raw: string, defaultCountry: string, options = { lineType: true }): PhoneReading | undefined {
  const compact = raw.replace(/[\s.\-()/]/g, '');
  if (compact === '') return undefined;
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
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
