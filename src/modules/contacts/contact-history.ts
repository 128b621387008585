import { formatUtc } from '../../common/dates';
import type { HistoryRow } from './contacts.repository';
import type { ContactLogDto } from './dto/contact.dto';

/** A history entry as the v4 history call shows it. */
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
