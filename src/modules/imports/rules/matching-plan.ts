import { builtinField, type BuiltinField } from '../../fields/builtin-fields';
import type { CustomFieldDefinition, FieldCatalogue } from '../../fields/field-catalogue';
import { importErrors } from '../import-errors';
import type { ConstantValue } from '../import-settings';
import { normaliseHeader } from './header-matching';

/** What one file column feeds. */
export type ColumnTarget =
  | { kind: 'ignored' }
  | { kind: 'builtin'; field: BuiltinField }
  | { kind: 'custom'; field: CustomFieldDefinition }
  /** An "X column": its header is a value of a multi-select field, ticked by an X mark in a cell. */
  | { kind: 'mark'; field: CustomFieldDefinition; valueText: string }
  | { kind: 'groups' };

export interface MatchingPlan {
  columns: ColumnTarget[];
  /** Targets filled with the same value on every row. */
  constants: { target: ColumnTarget; value: string }[];
}

export const GROUPS_MATCHING = 'groups';

function readTarget(matching: string, place: string, catalogue: FieldCatalogue): ColumnTarget {
  const name = matching.trim();
  if (name === '') return { kind: 'ignored' };
  if (name.toLowerCase() === GROUPS_MATCHING) return { kind: 'groups' };
  if (/^\d+$/.test(name)) {
    const field = catalogue.field(Number(name));
    if (!field) throw importErrors.unknownFieldId(name, place);
    return { kind: 'custom', field };
  }
  const field = builtinField(name.toLowerCase());
  if (!field) throw importErrors.unknownMatching(name, place);
  if (field.readOnly) throw importErrors.readOnlyMatching(field.key, place);
  return { kind: 'builtin', field };
}

/**
 * Turns v4 `matchings` (one per column) into a plan, refusing what cannot work with a message naming the
 * column. A multi-select field matched by several columns, or by a column whose header is one of its
 * values, reads those columns as X columns (SPEC §5).
 */
export function compileMatchings(
  matchings: readonly string[],
  headers: readonly string[] | undefined,
  catalogue: FieldCatalogue,
  constants: readonly ConstantValue[] = [],
): MatchingPlan {
  const columns = matchings.map((matching, index) =>
    readTarget(matching, `matchings[${index}] (column ${index + 1})`, catalogue),
  );
  const usedBy = new Map<string, number>();
  const multiColumns = new Map<number, number>();
  columns.forEach((target, index) => {
    if (target.kind === 'custom' && target.field.format === 'MultipleSelection') {
      multiColumns.set(target.field.id, (multiColumns.get(target.field.id) ?? 0) + 1);
      return;
    }
    if (target.kind === 'ignored') return;
    const name =
      target.kind === 'groups'
        ? GROUPS_MATCHING
        : target.kind === 'builtin'
          ? target.field.key
          : String(target.field.id);
    const first = usedBy.get(name);
    if (first !== undefined) throw importErrors.repeatedMatching(name, first, index + 1);
    usedBy.set(name, index + 1);
  });
  const planned = columns.map((target, index): ColumnTarget => {
    if (target.kind !== 'custom' || target.field.format !== 'MultipleSelection') return target;
    const header = headers?.[index]?.trim() ?? '';
    const isValue = [...target.field.valuesByText.values()].some(
      (v) => normaliseHeader(v.text) === normaliseHeader(header),
    );
    const several = (multiColumns.get(target.field.id) ?? 0) > 1;
    if (header !== '' && (isValue || several)) {
      const known = [...target.field.valuesByText.values()].find(
        (v) => normaliseHeader(v.text) === normaliseHeader(header),
      );
      return { kind: 'mark', field: target.field, valueText: known?.text ?? header };
    }
    return target;
  });
  return {
    columns: planned,
    constants: constants.map((c, index) => ({
      target: readTarget(c.matching, `constant ${index + 1}`, catalogue),
      value: c.value,
    })),
  };
}

/** Whether the plan reads the given built-in key from a column or a constant. */
export function plansBuiltin(plan: MatchingPlan, key: string): boolean {
  return [...plan.columns, ...plan.constants.map((c) => c.target)].some(
    (t) => t.kind === 'builtin' && t.field.key === key,
  );
}
