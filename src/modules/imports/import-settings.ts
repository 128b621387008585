import type { ImportEncoding } from './reading/encoding';
import type { CellCorrections } from './rules/corrections';
import type { ImportFileOptions } from './reading/import-file';
import type { Separator } from './reading/separator';

/** What an import or purge was asked to do, kept with the operation so a retry replays it exactly. */
export const DUPLICATE_OPTIONS = ['disallowdupupdate', 'disallowdup', 'allowdup'] as const;
export type DuplicateOption = (typeof DUPLICATE_OPTIONS)[number];

/** A value given for a field the file lacks, applied to every row (guided flow). */
export interface ConstantValue {
  matching: string;
  value: string;
}

export interface ImportSettings {
  /** Canonical encoding name, resolved from `auto` when the file was received. */
  encoding: string;
  separator?: string;
  sheet?: string;
  /** 1-based row where reading starts; with `firstLineAsHeader` that row is the header. */
  firstLine: number;
  firstLineAsHeader: boolean;
  duplicateOption: DuplicateOption;
  /** One entry per file column: a built-in key, a custom field id, `groups`, or `''`. */
  matchings: string[];
  constants: ConstantValue[];
  /** A group every imported contact joins (operations recorded before `groupIds`). */
  groupId?: number;
  /** Groups every imported contact joins (guided flow's confirmation, v4 `groups` form field). */
  groupIds?: number[];
  /** Opt-ins set on every imported row, whatever the file says ("unsubscribe everyone in the file"). */
  unsubscribe?: ImportUnsubscribe;
  /** Whether the import may trigger welcome messages (recorded for the sending side). */
  welcomeMessages?: boolean;
  /** Cell corrections from the guided flow, by file line then 0-based column. */
  corrections?: CellCorrections;
  /** Purges: the 1-based column holding the contacts' keys. */
  keyColumn?: number;
  /** The file's column names, for the error report. */
  headers?: string[];
}

/** How the readers are to read the stored file: as detected when it was received. */
export const readingOptions = (settings: ImportSettings): ImportFileOptions => ({
  encoding: settings.encoding as ImportEncoding,
  separator: settings.separator as Separator | undefined,
});

export const OPT_OUTS = ['no', 'blocklist'] as const;
export type OptOut = (typeof OPT_OUTS)[number];

/** Per channel, the opt-out every contact of the file gets. */
export interface ImportUnsubscribe {
  email?: OptOut;
  sms?: OptOut;
}

/** The groups an operation's contacts all join, whichever way the settings were recorded. */
export const everyoneGroups = (settings: ImportSettings): number[] =>
  settings.groupIds ?? (settings.groupId !== undefined ? [settings.groupId] : []);

export interface ConsentRecord {
  confirmedBy: string;
  confirmedAt: string;
  fileHash: string;
}

export interface DraftSetup {
  sheet?: string;
  /** 1-based row holding the headers; 0 when the file has none. */
  headerLine: number;
  matchings?: string[];
  constants: ConstantValue[];
}

export type { FileRow } from './reading/file-row';
import type { FileRow } from './reading/file-row';

export interface SheetInspection {
  name: string;
  rowCount: number;
  firstRows: FileRow[];
}

/** What the guided flow shows about an uploaded file (step 1). */
export interface FileInspection {
  kind: 'delimited' | 'workbook';
  encoding?: string;
  separator?: string;
  sheets: SheetInspection[];
}
