import type { ColumnStyle } from './export-columns';
import type { ExportFormat } from './export-file';
import type { ExportFilter } from './export-filters';

/** Which contacts an export reads, before its filters. */
export type ExportSource =
  | { kind: 'all' }
  | { kind: 'segment'; segmentId: number }
  | { kind: 'group'; groupId: number }
  | { kind: 'import'; importId: number }
  | { kind: 'tree'; tree: unknown };

/** What an export was asked for, as stored with it (fields in canonical keys). */
export interface ExportSettings extends ColumnStyle {
  source: ExportSource;
  filters: ExportFilter[];
  fields: string[];
  format: ExportFormat;
  separator: string;
}

export const EXPORT_SEPARATORS = [';', ',', 'tab', '|'] as const;
export type ExportSeparator = (typeof EXPORT_SEPARATORS)[number];

export const separatorText = (separator: ExportSeparator): string => (separator === 'tab' ? '\t' : separator);

/** `segment:<id>`, `group:<id>`, `import:<id>`; any other description exports the whole base. */
export function readSourceDescription(description: string | undefined): ExportSource | 'invalid' {
  const text = (description ?? '').trim();
  const kind = /^(segment|group|import)\s*:/i.exec(text);
  if (!kind) return { kind: 'all' };
  const id = /^[a-z]+\s*:\s*(\d{1,15})$/i.exec(text);
  if (!id) return 'invalid';
  const value = Number(id[1]);
  switch (kind[1].toLowerCase()) {
    case 'segment':
      return { kind: 'segment', segmentId: value };
    case 'group':
      return { kind: 'group', groupId: value };
    default:
      return { kind: 'import', importId: value };
  }
}
