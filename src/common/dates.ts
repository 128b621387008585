const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** UTC `yyyy-MM-dd HH:mm:ss`, the v4 API's date-time format. */
export function formatUtc(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/** The date formats a DateTime field may declare for reading files. */
export const DATE_FORMATS = ['dd.mm.yyyy', 'yyyy.mm.dd', 'yy.mm.dd', 'dd.mm.yy', 'mm.dd.yyyy', 'mm.dd.yy'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Two-digit years: 00–(current+10) are this century, the rest the previous one. */
function fullYear(yy: number): number {
  const pivot = (new Date().getUTCFullYear() % 100) + 10;
  return yy <= pivot ? 2000 + yy : 1900 + yy;
}

/**
 * Reads a calendar date as `yyyy-MM-dd`. ISO (`2001-02-28`, optionally with a time) is always
 * accepted; otherwise the given format decides the order, with `.`, `/` or `-` as separator.
 * Returns undefined when the text is not a real date (29/02/2001 is not).
 */
export function parseDate(text: string, format: DateFormat = 'dd.mm.yyyy'): string | undefined {
  const value = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  let year: number, month: number, day: number;
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    const parts = /^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$/.exec(value);
    if (!parts) return undefined;
    const [a, b, c] = [parts[1], parts[2], parts[3]];
    const order = format.split('.');
    const byName: Record<string, string> = { [order[0]]: a, [order[1]]: b, [order[2]]: c };
    const yearText = byName.yyyy ?? byName.yy;
    if (yearText.length !== (byName.yyyy ? 4 : 2) && !(byName.yy && yearText.length === 4)) return undefined;
    year = yearText.length === 4 ? Number(yearText) : fullYear(Number(yearText));
    month = Number(byName.mm);
    day = Number(byName.dd);
  }
  if (!isRealDate(year, month, day)) return undefined;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Reads an instant: ISO 8601, or `yyyy-MM-dd HH:mm:ss` taken as UTC, or a date at midnight UTC. */
export function parseInstant(text: string): Date | undefined {
  const value = text.trim();
  const v4 = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (v4) {
    const [, y, mo, d, h, mi, s] = v4.map(Number);
    if (!isRealDate(y, mo, d) || h > 23 || mi > 59 || (s || 0) > 59) return undefined;
    return new Date(Date.UTC(y, mo - 1, d, h, mi, s || 0));
  }
  if (/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const day = parseDate(value);
  return day ? new Date(`${day}T00:00:00Z`) : undefined;
}

/** Whether two stored values are the same, dates compared by the instant they name. */
export const sameValueOrInstant = (a: unknown, b: unknown): boolean =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
