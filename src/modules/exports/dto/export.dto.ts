import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EXPORT_FILTERS } from '../export-filters';
import { EXPORT_SEPARATORS, type ExportSeparator } from '../export-settings';

/** Each entry as text: some clients send custom field ids as numbers. */
const asTexts = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'number' ? String(v) : v)) : value;

/** How the file is written (Carnet's additions; a v4 client sends none and gets a `;` CSV with French labels). */
export class ExportOptionsDto {
  /** `csv` (default: UTF-8 with BOM) or `xlsx` (one sheet, at most 1,048,575 contacts). */
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  @ApiProperty({ required: false, enum: ['csv', 'xlsx'] })
  format?: 'csv' | 'xlsx';

  /** CSV separator: `;` (default), `,`, `tab` or `|`. */
  @IsOptional()
  @IsIn(EXPORT_SEPARATORS)
  @ApiProperty({ required: false, enum: EXPORT_SEPARATORS })
  separator?: ExportSeparator;

  /** Header row: the French `labels` (default) or the field `keys` (`firstname`, `12`…). */
  @IsOptional()
  @IsIn(['labels', 'keys'])
  @ApiProperty({ required: false, enum: ['labels', 'keys'] })
  headers?: 'labels' | 'keys';

  /** Dates as `dd/mm/yyyy` (default; date-times in the account's time zone) or `iso` (UTC). */
  @IsOptional()
  @IsIn(['dd/mm/yyyy', 'iso'])
  @ApiProperty({ required: false, enum: ['dd/mm/yyyy', 'iso'] })
  dates?: 'dd/mm/yyyy' | 'iso';

  /** Opt-ins, statuses, activity and yes/no fields as the French `labels` (default: Oui, Valide…) or `keys`. */
  @IsOptional()
  @IsIn(['labels', 'keys'])
  @ApiProperty({ required: false, enum: ['labels', 'keys'] })
  values?: 'labels' | 'keys';
}

/** What an export writes, shared by the v4 call and Carnet's own. */
export class ExportContentDto extends ExportOptionsDto {
  /** Name shown in the history. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  /** Built-in keys, custom field ids and `groups`, in the file's order; empty or absent: the 12 main fields. */
  @IsOptional()
  @Transform(asTexts)
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  fields?: string[];

  /** Narrow the source; several narrow together. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @ApiProperty({ required: false, type: [String], description: `Any of ${EXPORT_FILTERS.join(', ')}` })
  filters?: string[];
}

/** `ContactExportNfo` (v4): `description` `segment:<id>`, `group:<id>` or `import:<id>` chooses the source. */
export class ContactExportNfoDto extends ExportContentDto {
  /** `segment:<id>`, `group:<id>`, `import:<id>`; any other text (or none) exports the whole base. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

/** Where an export's contacts come from: one of these, or none for the whole base. */
export class ExportSourceDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  segmentId?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  groupId?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  importId?: number;

  /** An ad-hoc criteria tree, as a segment's (see the segments API). */
  @IsOptional()
  @IsObject()
  @ApiProperty({ required: false, type: Object, additionalProperties: true })
  tree?: Record<string, unknown>;
}

/** An export created with a JSON source (Carnet's own path). */
export class CreateExportDto extends ExportContentDto {
  /** Absent: the whole base. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ExportSourceDto)
  source?: ExportSourceDto;
}

/** `ExportOperation` (v4), with Carnet's additions. */
export class ExportOperationDto {
  @ApiProperty({ type: 'integer' })
  Id: number;
  Name: string;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  StartDate: string;
  /** `pending`, `running`, `done`, `failed`, or `expired` (its file removed after the retention days). */
  Status: string;
  /** The zip to download (v4 path). */
  Link: string;
  /** Contacts in the export's snapshot: the file's rows (0 until counted). */
  @ApiProperty({ type: 'integer' })
  TotalContact: number;
  /** Rows written so far. */
  RowsWritten: number;
  /** Percent written. */
  Progress: number;
  Description: string;
  Format: string;
  /** The fields written, in order (canonical keys). */
  Fields: string[];
  Filters: string[];
  EndDate: string | null;
  /** Why it failed. */
  Failure: string | null;
  /** Bytes of the written file (before zipping). */
  FileSize: number | null;
}

export class ExportFieldDto {
  /** What to put in `fields`. */
  key: string;
  /** The header written with `headers: labels`. */
  label: string;
  format: string;
  custom: boolean;
  /** Among the 12 main fields exported by default. */
  default: boolean;
  /** The words written for stored keys with `values: labels`. */
  @ApiProperty({ required: false, type: Object, additionalProperties: { type: 'string' } })
  words?: Record<string, string>;
}

export class ExportCatalogueDto {
  fields: ExportFieldDto[];
  filters: string[];
  formats: string[];
  separators: string[];
  headers: string[];
  dates: string[];
  values: string[];
}
