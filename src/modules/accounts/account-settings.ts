import { isSupportedCountry } from 'libphonenumber-js';

export interface AccountSettings {
  uniquenessKey: 'email' | 'mobile';
  defaultCountry: string;
  allowDuplicates: boolean;
  timezone: string;
  softBounceLimit: number;
  activityDays: number;
}

export type SettingName = keyof AccountSettings;
export type SettingsPatch = Partial<AccountSettings>;

type Reading<T> = { value: T } | { problem: string };

function readWholeNumber(name: string, min: number, max: number) {
  return (raw: unknown): Reading<number> => {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? { value }
      : { problem: `${name} must be a whole number from ${min} to ${max}` };
  };
}

function isTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** How each setting is read from a request, with the message telling what to fix. */
const READERS: { [K in SettingName]: (raw: unknown) => Reading<AccountSettings[K]> } = {
  uniquenessKey: (raw) =>
    raw === 'email' || raw === 'mobile' ? { value: raw } : { problem: 'uniquenessKey must be "email" or "mobile"' },
  defaultCountry: (raw) => {
    const code = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
    return isSupportedCountry(code)
      ? { value: code }
      : { problem: 'defaultCountry must be an ISO 3166 alpha-2 country code such as "FR"' };
  },
  allowDuplicates: (raw) => {
    if (raw === true || raw === 'true') return { value: true };
    if (raw === false || raw === 'false') return { value: false };
    return { problem: 'allowDuplicates must be true or false' };
  },
  timezone: (raw) =>
    typeof raw === 'string' && isTimezone(raw)
      ? { value: raw }
      : { problem: 'timezone must be an IANA time zone such as "Europe/Paris"' },
  softBounceLimit: readWholeNumber('softBounceLimit', 1, 100),
  activityDays: readWholeNumber('activityDays', 1, 3650),
};

export const SETTING_NAMES = Object.keys(READERS) as SettingName[];

export function isSettingName(name: string): name is SettingName {
  return (SETTING_NAMES as string[]).includes(name);
}

export function unknownSettingMessage(name: string): string {
  return `Unknown setting "${name}"; known settings are ${SETTING_NAMES.join(', ')}`;
}

/** Validates `{setting: value}` pairs; returns the patch and every problem found. */
export function readSettingsPatch(input: Record<string, unknown>): { patch: SettingsPatch; problems: string[] } {
  const patch: SettingsPatch = {};
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(input)) {
    if (!isSettingName(name)) {
      problems.push(unknownSettingMessage(name));
      continue;
    }
    const reading = READERS[name](raw);
    if ('problem' in reading) problems.push(reading.problem);
    else Object.assign(patch, { [name]: reading.value });
  }
  return { patch, problems };
}
