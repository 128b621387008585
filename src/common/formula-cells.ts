/** Characters that make a spreadsheet run a cell as a formula when they open it (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * The one rule for every file Carnet writes (import error reports, exports): a text cell a spreadsheet would
 * run as a formula gets a leading `'`, so Excel and LibreOffice show it as text.
 */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}
