import { HARD_EMAIL_STATUSES, OPTINS } from '../deliverability-status/status-rules';
import { exportErrors } from './export-errors';

const quotedList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const OPTED_OUT = quotedList(OPTINS.filter((optIn) => optIn !== 'yes'));

/** The v4 export filters, each a condition on contact alias `c`; several narrow together (AND). */
const FILTERS = {
  emailingoptin: `c.email IS NOT NULL AND c.email_optin = 'yes'`,
  mobileoptin: `c.mobile IS NOT NULL AND c.mobile_optin = 'yes'`,
  emailingoptout: `c.email IS NOT NULL AND c.email_optin IN (${OPTED_OUT})`,
  mobileoptout: `c.mobile IS NOT NULL AND c.mobile_optin IN (${OPTED_OUT})`,
  emailingsoft: `c.email IS NOT NULL AND c.email_status = 'soft'`,
  emailinghard: `c.email IS NOT NULL AND c.email_status IN (${quotedList(HARD_EMAIL_STATUSES)})`,
} as const;

export type ExportFilter = keyof typeof FILTERS;
export const EXPORT_FILTERS = Object.keys(FILTERS) as ExportFilter[];

/** Reads filter names (any case, repeats collapse); an unknown one is refused with its name. */
export function readExportFilters(given: readonly string[] | undefined): ExportFilter[] {
  const names = (given ?? []).map((name) => String(name).trim().toLowerCase()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(EXPORT_FILTERS as string[]).includes(name));
  if (unknown.length > 0) throw exportErrors.unknownFilters(unknown, EXPORT_FILTERS);
  return [...new Set(names)] as ExportFilter[];
}

/** The SQL condition of the filters (none: `TRUE`). */
export function filtersSql(filters: readonly ExportFilter[]): string {
  return filters.length === 0 ? 'TRUE' : filters.map((filter) => `(${FILTERS[filter]})`).join(' AND ');
}
