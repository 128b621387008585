import { formatUtc } from '../../common/dates';
import { BUILTIN_FIELDS } from '../fields/builtin-fields';
import type { HistoryRow } from './contacts.repository';
import type { ContactLogDto, ContactLogV4Dto } from './dto/contact.dto';

/** A history entry as Carnet's own paths show it (personal data export, history search). */
export function toContactLog(entry: HistoryRow): ContactLogDto {
  return {
    id: entry.id,
    type: entry.type,
    object: entry.object,
    title: entry.title,
    date: formatUtc(entry.happenedAt),
    group: entry.source,
    operationId: entry.operationId,
    logDate: formatUtc(entry.loggedAt),
  };
}

/** A history entry as the v4 client reads it: PascalCase keys, ints where it reads ints (no operation: 0). */
export function toContactLogV4(entry: HistoryRow): ContactLogV4Dto {
  return {
    Id: Number(entry.id),
    Type: entry.type,
    Object: entry.object,
    Title: entry.title,
    Date: formatUtc(entry.happenedAt),
    Group: entry.source,
    OperationId: entry.operationId === null ? 0 : Number(entry.operationId),
    LogDate: formatUtc(entry.loggedAt),
  };
}

const KEY_OF_COLUMN = new Map(BUILTIN_FIELDS.map((f) => [f.column, f.key]));

/** The fields a change touched, as the v4 API names them (built-in keys, custom field ids, `groups`). */
export function changedFieldNames(columns: Record<string, unknown>, fields: Record<string, unknown>, groups = false) {
  return [
    ...Object.keys(columns).map((c) => KEY_OF_COLUMN.get(c) ?? c),
    ...Object.keys(fields),
    ...(groups ? ['groups'] : []),
  ].join(', ');
}

export type ImportRole = 'created' | 'updated';

/**
 * The imports that wrote a contact and what each did: the ones its columns name (an import that created a
 * contact is also its first updater, which is not an update) and those in its history.
 */
export function importRoles(
  row: Record<string, unknown>,
  history: Pick<HistoryRow, 'source' | 'type' | 'operationId'>[],
): Map<number, Set<ImportRole>> {
  const roles = new Map<number, Set<ImportRole>>();
  const add = (id: unknown, role: ImportRole) => {
    if (id === null || id === undefined) return;
    const key = Number(id);
    roles.set(key, (roles.get(key) ?? new Set<ImportRole>()).add(role));
  };
  add(row.created_by_import_id, 'created');
  if (row.updated_by_import_id !== row.created_by_import_id) add(row.updated_by_import_id, 'updated');
  for (const entry of history) {
    if (entry.source === 'import') add(entry.operationId, entry.type === 'creation' ? 'created' : 'updated');
  }
  return roles;
}
