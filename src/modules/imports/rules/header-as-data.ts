import { isEmailSyntaxValid, normalizeEmail } from '../../../common/email';
import { readPhone } from '../../../common/phone';
import type { MatchingPlan } from './matching-plan';

export interface HeaderCellAsData {
  /** 1-based column. */
  column: number;
  cell: string;
  /** What the cell reads as. */
  reading: 'an email address' | 'a phone number';
}

/**
 * The first header cell that reads as a contact's data: an address in the column matched to `email`, a phone
 * number in the one matched to `mobile`. Such a "header" is a contact that would be silently lost (SPEC §5).
 */
export function headerCellAsData(
  plan: Pick<MatchingPlan, 'columns'>,
  headers: readonly string[],
  defaultCountry: string,
): HeaderCellAsData | undefined {
  for (const [index, target] of plan.columns.entries()) {
    const cell = headers[index]?.trim() ?? '';
    if (cell === '' || target.kind !== 'builtin') continue;
    if (target.field.key === 'email' && isEmailSyntaxValid(normalizeEmail(cell))) {
      return { column: index + 1, cell, reading: 'an email address' };
    }
    if (target.field.key === 'mobile' && /\d{6}/.test(cell.replace(/\D/g, '')) && readPhone(cell, defaultCountry)) {
      return { column: index + 1, cell, reading: 'a phone number' };
    }
  }
  return undefined;
}
