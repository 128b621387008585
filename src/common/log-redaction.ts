/**
 * Logs carry no personal data (SPEC §11): emails and phone numbers in request lines and messages are replaced by
 * a placeholder before pino writes them. Percent-encoded forms (`%40`, `%2B`, `%20`) count, since request lines
 * are logged as sent.
 */

/** An address: no `=`, `/`, `?`, `&` or spaces in it, so a query's `email=` or a path's segments stay readable. */
const EMAIL = /[^\s/\\?#&;,:=<>()[\]{}"'`@]+(?:@|%40)[^\s/\\?#&;,:=<>()[\]{}"'`@]+/gi;

/**
 * A phone number: 8 to 15 digits, optionally after `+` and with single spaces, dots or dashes between them, that
 * starts with `+` or `0` or holds 10 digits or more (so ids, counts and durations stay). Not inside a word or an
 * identifier (a UUID's last group, a migration's timestamp).
 */
const PHONE = /(?<![\w%.-])(?:\+|%2B)?\d(?:(?:[ .-]|%20)?\d){7,14}(?![\w-])/gi;

const EMAIL_MARK = '[email]';
const PHONE_MARK = '[phone]';

function isPhone(match: string): boolean {
  const digits = match.replace(/%2B|%20/gi, ' ').replace(/\D/g, '');
  return /^(?:\+|%2B|0)/i.test(match) || digits.length >= 10;
}

/** The text with every email and phone number replaced by `[email]` / `[phone]`. */
export function redactPersonalData(text: string): string {
  return text.replace(EMAIL, EMAIL_MARK).replace(PHONE, (match) => (isPhone(match) ? PHONE_MARK : match));
}

/** A copy of a plain value (object, array, string) with every string redacted; other values unchanged. */
export function redactValues<T>(value: T): T {
  if (typeof value === 'string') return redactPersonalData(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValues(v)) as T;
  // Express 5 builds `req.query` and `req.params` without a prototype.
  const prototype: unknown = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (prototype === Object.prototype || prototype === null) {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, redactValues(v)])) as T;
  }
  return value;
}
