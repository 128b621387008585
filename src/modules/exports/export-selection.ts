import { Injectable } from '@nestjs/common';
import { SegmentsService, type ContactSelection, type CriteriaNode } from '../segments/segments.service';
import type { ExportSource } from './export-settings';

/** A source as SQL on contact alias `c`, its parameters numbered from `firstParam`. */
export interface SelectionPredicate {
  sql: string;
  params: unknown[];
}

function selectionOf(source: Exclude<ExportSource, { kind: 'all' }>): ContactSelection {
  switch (source.kind) {
    case 'segment':
      return { segmentId: source.segmentId };
    case 'group':
      return { groupId: source.groupId };
    case 'import':
      return { importId: source.importId };
    case 'tree':
      return { tree: source.tree as CriteriaNode };
  }
}

/**
 * Turns an export's source into the SQL choosing its contacts. Segments, criteria trees, groups and imports are
 * read through the segments module's compiler, never a copy of it.
 */
@Injectable()
export class ExportSelection {
  constructor(private readonly segments: SegmentsService) {}

  /** Checks the source exists in the account (404 otherwise; a bad tree 400) and answers its predicate. */
  async predicate(accountId: string, source: ExportSource, firstParam: number): Promise<SelectionPredicate> {
    if (source.kind === 'all') return { sql: 'TRUE', params: [] };
    return this.segments.selectionPredicate(accountId, selectionOf(source), { alias: 'c', firstParam });
  }
}
