/** The placeholders an export file name may hold, read in the schedule's timezone. */
const PARTS = { yyyy: 'year', mm: 'month', dd: 'day', hh: 'hour', mi: 'minute', ss: 'second' } as const;
type Placeholder = keyof typeof PARTS;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The placeholders a template uses that are not known (empty when it is fine). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !(name in PARTS));
}

/** `contacts_{yyyy}{mm}{dd}.csv` → `contacts_20261201.csv`, the date read in `timezone`. */
export function fillDatePlaceholders(template: string, at: Date, timezone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in PARTS ? parts[PARTS[name as Placeholder]] : whole,
  );
}
