import { types } from 'pg';

/**
 * bigint ids and counts as numbers (ids stay far below 2^53), and SQL dates as `yyyy-MM-dd`
 * strings rather than local-midnight Date objects.
 */
export function configurePgTypes(): void {
  types.setTypeParser(types.builtins.INT8, (value) => Number(value));
  types.setTypeParser(types.builtins.DATE, (value) => value);
}
