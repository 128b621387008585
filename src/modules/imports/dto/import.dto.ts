import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { OptionalFormBoolean } from '../../../common/validation';
import { DUPLICATE_OPTIONS, type DuplicateOption } from '../import-settings';

/** `matchings` as v4 clients send it: one JSON array string, or the field repeated once per column. */
function readMatchings({ value }: { value: unknown }): unknown {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  if (typeof value === 'string') return value.trim().startsWith('[') ? parse(value) : [value];
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' && value[0].trim().startsWith('[')) {
    return parse(value[0]);
  }
  return value;
}

/** `groups` as a form sends it: a JSON array, comma-separated ids, or the field repeated. */
function readGroupIds({ value }: { value: unknown }): unknown {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((part): unknown[] => {
    if (typeof part !== 'string') return [part];
    const text = part.trim();
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown[];
      } catch {
        return [text];
      }
    }
    return text === '' ? [] : text.split(',').map((p) => p.trim());
  });
  return parts.map((part) => (typeof part === 'string' && /^\d+$/.test(part) ? Number(part) : part));
}

/** Form fields shared by imports and purges (multipart/form-data). */
export class FileFormDto {
  /** Name shown in the history; defaults to the file's name. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  /** 1-based row where reading starts (with `firstLineAsHeader`, the header row). Default 1. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  firstLine?: number;

  /** Whether the row at `firstLine` holds the column names. Default true. */
  @OptionalFormBoolean()
  @ApiProperty({ required: false, type: 'string', enum: ['true', 'false'] })
  firstLineAsHeader?: boolean;

  /** `auto` (default), `UTF-8`, `Unicode`, `ISO-8859-1`, `ISO-8859-15`, `Windows-1252`, `UTF-32`, `UTF-7`. */
  @IsOptional()
  @IsString()
  encoding?: string;

  /** One of `, ; tab space - | * : . & / \ + "`; detected when omitted. */
  @IsOptional()
  @IsString()
  separator?: string;

  /** Workbooks: the sheet to read; default the first. */
  @IsOptional()
  @IsString()
  sheet?: string;

  /** The .csv, .txt, .xlsx or .xls file. */
  @ApiProperty({ type: 'string', format: 'binary' })
  file: unknown;
}

export class ImportFormDto extends FileFormDto {
  /** `disallowdupupdate` (default: add new, update existing), `disallowdup` (add new only), `allowdup`. */
  @IsOptional()
  @IsIn(DUPLICATE_OPTIONS)
  @ApiProperty({ required: false, enum: DUPLICATE_OPTIONS })
  duplicateOption?: DuplicateOption;

  /**
   * One entry per file column, in order: a built-in key, a custom field id, `groups`, or `""` to ignore
   * the column. A JSON array string, or the field repeated.
   */
  @Transform(readMatchings)
  @IsArray({ message: 'matchings must be a JSON array with one entry per file column, e.g. ["email","firstname",""]' })
  @IsString({ each: true, message: 'each matching must be a string: a built-in key, a custom field id or ""' })
  @ApiProperty({ type: 'string', description: 'JSON array, e.g. ["email","firstname","","12"]' })
  matchings: string[];

  /** Existing groups every imported contact joins, by id: a JSON array (`[3,8]`) or comma-separated (`3,8`). */
  @IsOptional()
  @Transform(readGroupIds)
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true, message: 'groups must list group ids, e.g. [3,8] or 3,8' })
  @Min(1, { each: true })
  @ApiProperty({ required: false, type: 'string', description: 'Group ids: JSON array or comma-separated, e.g. 3,8' })
  groups?: number[];
}

export class PurgeFormDto extends FileFormDto {
  /** 1-based column holding the keys (email or mobile, per the account's uniqueness key). Default 1. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  keyColumn?: number;
}

/** An import as the v4 API shows it. */
export class ImportOperationDto {
  @ApiProperty({ type: 'integer' })
  Id: number;
  Name: string;
  /** UTC, `yyyy-MM-dd HH:mm:ss`. */
  StartDate: string;
  @ApiProperty({ enum: ['pending', 'running', 'done', 'failed', 'cancelled'] })
  Status: string;
  /** URL of the archive holding the original file and the error report. */
  Link: string;
  @ApiProperty({ type: 'integer' })
  LineRead: number;
  @ApiProperty({ type: 'integer' })
  LineDuplicate: number;
  @ApiProperty({ type: 'integer' })
  LineAdd: number;
  @ApiProperty({ type: 'integer' })
  LineUpdate: number;
  @ApiProperty({ type: 'integer' })
  LineImport: number;
  @ApiProperty({ type: 'integer' })
  LineError: number;
  /** Contacts whose opt-out or hard status the file could not undo. */
  @ApiProperty({ type: 'integer' })
  LineKeptOptOut: number;
  /** Data rows in the file, when known (guided flow). */
  @ApiProperty({ type: 'integer', nullable: true })
  LineTotal: number | null;
  /** UTC end time, once done, failed or cancelled. */
  EndDate: string | null;
  /** Why it failed, when it did. */
  Failure: string | null;
}

/** A purge: the contacts whose key a file lists are deleted (suppression records kept). */
export class PurgeOperationDto {
  @ApiProperty({ type: 'integer' })
  Id: number;
  Name: string;
  StartDate: string;
  @ApiProperty({ enum: ['pending', 'running', 'done', 'failed', 'cancelled'] })
  Status: string;
  Link: string;
  @ApiProperty({ type: 'integer' })
  LineRead: number;
  @ApiProperty({ type: 'integer' })
  LineDelete: number;
  /** Keys not found in the base. */
  @ApiProperty({ type: 'integer' })
  LineNotFound: number;
  @ApiProperty({ type: 'integer' })
  LineDuplicate: number;
  @ApiProperty({ type: 'integer' })
  LineError: number;
  EndDate: string | null;
  Failure: string | null;
}
