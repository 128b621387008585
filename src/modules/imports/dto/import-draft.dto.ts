import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DUPLICATE_OPTIONS, OPT_OUTS, type DuplicateOption, type OptOut } from '../import-settings';

/** Step 1 (multipart/form-data). */
export class UploadImportDraftDto {
  /** The .csv, .txt, .xlsx or .xls file. */
  @ApiProperty({ type: 'string', format: 'binary' })
  file: unknown;
}

/** Step 1, without a file: a pasted list of addresses (seed 004 "collez la liste des emails"). */
export class PasteImportDraftDto {
  /** Addresses one per line or separated by commas, semicolons or spaces, each optionally `Name <address>`. */
  @IsString()
  @MaxLength(5_000_000)
  text: string;
}

export const TEMPLATE_FORMATS = ['csv', 'xlsx'] as const;

export class ImportTemplateQueryDto {
  /** `csv` (UTF-8 with BOM, `;`-separated, the default) or `xlsx`. */
  @IsOptional()
  @IsIn(TEMPLATE_FORMATS)
  @ApiProperty({ required: false, enum: TEMPLATE_FORMATS })
  format?: (typeof TEMPLATE_FORMATS)[number];
}

/** One record of the file, as text cells. */
export class ImportDraftFileRowDto {
  /** 1-based: the line where the record starts (CSV/TXT) or the spreadsheet row number (workbook). */
  line: number;
  cells: string[];
}

export class ImportDraftSheetDto {
  /** The sheet's name; for a CSV/TXT file, the file's name (its only "sheet"). */
  name: string;
  /** Non-blank rows, header included. */
  rowCount: number;
  /** The first rows (up to 20), for a preview. */
  firstRows: ImportDraftFileRowDto[];
}

/** A value given to every row for a field the file lacks. */
export class ConstantValueDto {
  /** A built-in key or a custom field id. */
  @IsString()
  @MaxLength(100)
  matching: string;

  @IsString()
  @MaxLength(10000)
  value: string;
}

/** A file going through the guided import (SPEC §5): upload, sheet, matchings, validation, confirmation. */
export class ImportDraftDto {
  id: string;
  fileName: string;
  @ApiProperty({ enum: ['delimited', 'workbook'] })
  kind: 'delimited' | 'workbook';
  /** CSV/TXT: the detected encoding (e.g. `UTF-8`, `Windows-1252`). */
  encoding?: string;
  /** CSV/TXT: the detected separator (`tab` for a tab). */
  separator?: string;
  sheets: ImportDraftSheetDto[];
  /** ISO 8601; an unconfirmed draft is deleted with its file after this time. Each step pushes it back. */
  expiresAt: string;
  /** The chosen sheet (workbooks), once step 2 is done. */
  sheet?: string;
  /** The chosen header row (1-based; 0 = no header), once step 2 is done. */
  headerLine?: number;
  /** The chosen matchings, once set. */
  matchings?: string[];
  constants: ConstantValueDto[];
  /** Cell corrections by line, then 0-based column. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string' } } })
  corrections: Record<string, Record<string, string>>;
  /** The import started by the confirmation; null until confirmed. */
  operationId: number | null;
}

/** Step 2: the sheet and the header row. */
export class ChooseImportDraftSheetDto {
  /** Workbooks: the sheet to import; default the first with data. Ignored for CSV/TXT. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  sheet?: string;

  /** 1-based row holding the column names; 0 when the file has none. Default 1. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(19)
  headerLine?: number;
}

export class ImportDraftColumnDto {
  /** 0-based position of the column. */
  column: number;
  header: string;
  /** The suggestion: a built-in key, a custom field id, `groups`, or `""` (ignore). */
  matching: string;
  /** 0..1; 0 when nothing is suggested. */
  confidence: number;
  /** Why this is suggested, to show the user. */
  reason: string;
  /** The column's first cells below the header. */
  samples: string[];
}

export class ImportDraftColumnsDto {
  columns: ImportDraftColumnDto[];
}

/**
 * Step 2 (continued): one matching per column. To create a custom field on the spot, create it with
 * `createContactField` (POST /account/contactattribute) and put its id here.
 */
export class SetImportDraftMatchingsDto {
  /** One entry per column, in order: a built-in key, a custom field id, `groups`, or `""` to ignore the column. */
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  matchings: string[];

  /** Values for fields absent from the file, applied to every row. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ConstantValueDto)
  constants?: ConstantValueDto[];
}

/** Step 3: which rows to see. Counts always cover the whole file. */
export class ValidateImportDraftDto {
  /** Only rows with a finding (error or warning). */
  @IsOptional()
  @IsBoolean()
  onlySuspicious?: boolean;

  /** Rows to skip among those matching the filter. Default 0. */
  @IsOptional()
  @IsInt()
  @Min(0)
  offset?: number;

  /** Rows to answer. Default 100, at most 1000. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ImportFindingDto {
  /** e.g. `email.syntax`, `email.domain_typo`, `row.missing_key`, `row.duplicate_in_file` (SPEC §5). */
  code: string;
  /** `error`: the row is not imported; `warning`: imported, flagged. */
  @ApiProperty({ enum: ['error', 'warning'] })
  severity: 'error' | 'warning';
  message: string;
  /** A corrected value the user may accept. */
  suggestion?: string;
}

export class ImportDraftCheckedRowDto {
  line: number;
  /** The cells, corrections applied. */
  cells: string[];
  /** 0-based columns holding a correction. */
  corrected: number[];
  @ApiProperty({ enum: ['valid', 'warning', 'error'] })
  status: 'valid' | 'warning' | 'error';
  findings: ImportFindingDto[];
}

export class ImportDraftCountsDto {
  /** Data rows in the file. */
  rows: number;
  valid: number;
  /** Rows imported but flagged. */
  warning: number;
  /** Rows that will not be imported. */
  error: number;
  /** Rows whose key an earlier row already has (the later row wins). */
  duplicate: number;
  /** Rows per finding code. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  byCode: Record<string, number>;
}

export class ImportDraftValidationDto {
  counts: ImportDraftCountsDto;
  /** Rows matching the filter (all pages). */
  total: number;
  /** The requested page. */
  rows: ImportDraftCheckedRowDto[];
}

export class CellCorrectionDto {
  /** The row's `line`, as validation shows it. */
  @IsInt()
  @Min(1)
  line: number;

  /** 0-based column. */
  @IsInt()
  @Min(0)
  @Max(999)
  column: number;

  @IsString()
  @MaxLength(10000)
  value: string;
}

export class CorrectImportDraftCellsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CellCorrectionDto)
  corrections: CellCorrectionDto[];
}

export class ImportDraftCorrectedRowsDto {
  /** The whole file's counts, corrections applied. */
  counts: ImportDraftCountsDto;
  /** The corrected rows, re-read. */
  rows: ImportDraftCheckedRowDto[];
}

/** Per channel, the opt-out every contact of the file gets. */
export class ImportUnsubscribeDto {
  @IsOptional()
  @IsIn(OPT_OUTS)
  @ApiProperty({ required: false, enum: OPT_OUTS })
  email?: OptOut;

  @IsOptional()
  @IsIn(OPT_OUTS)
  @ApiProperty({ required: false, enum: OPT_OUTS })
  sms?: OptOut;
}

/** Step 4. */
export class ConfirmImportDraftDto {
  /** Must be true: the sender confirms it holds proof of consent for every contact of the file. */
  @IsOptional()
  @IsBoolean()
  consent?: boolean;

  /** A group every imported contact joins (kept for callers written before `groupIds`). */
  @IsOptional()
  @IsInt()
  @Min(1)
  groupId?: number;

  /** Groups every imported contact joins ("Ajouter aux listes"), existing ones, by id. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  groupIds?: number[];

  /**
   * "Unsubscribe everyone in the file" (e.g. a block list from another system): the opt-in every row gets, per
   * channel, whatever the file says; recorded in each contact's history.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => ImportUnsubscribeDto)
  unsubscribe?: ImportUnsubscribeDto;

  /** Whether the import may trigger welcome messages. Default false. */
  @IsOptional()
  @IsBoolean()
  welcomeMessages?: boolean;

  /** Name shown in the history; defaults to the file's name. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  /** `disallowdupupdate` (default: add new, update existing), `disallowdup` (add new only), `allowdup`. */
  @IsOptional()
  @IsIn(DUPLICATE_OPTIONS)
  @ApiProperty({ required: false, enum: DUPLICATE_OPTIONS })
  duplicateOption?: DuplicateOption;
}
