/** One problem found in an imported row: `error` keeps the row out of the import, `warning` only flags it. */
export interface Finding {
  /** A stable code such as `email.syntax` or `email.domain_typo` (SPEC §5). */
  code: string;
  severity: 'error' | 'warning';
  /** What is wrong and what to do, in English. */
  message: string;
  /** A corrected value the user may accept with one click. */
  suggestion?: string;
}
