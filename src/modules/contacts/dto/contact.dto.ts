import { ApiProperty } from '@nestjs/swagger';
import { ErrorDetailDto } from '../../../common/error.dto';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsFieldId, IsScalar } from '../../../common/validation';

export class ContactAttributeInputDto {
  /** The field, as v4 documents it: a built-in key or a custom field id. Wins over `fieldName` when both are sent. */
  @IsOptional()
  @IsFieldId()
  @ApiProperty({ required: false, oneOf: [{ type: 'string' }, { type: 'integer' }] })
  id?: string | number;

  /** A built-in key (`firstname`, `email`…) or a custom field id as a string; required when `id` is not sent. */
  @ValidateIf((attribute: ContactAttributeInputDto) => attribute.id === undefined || attribute.id === null)
  @IsString({ message: 'each attribute names its field in fieldName or id' })
  @IsNotEmpty()
  fieldName?: string;

  /** List values as comma-separated value ids or value texts; empty or null clears the value. */
  @IsOptional()
  @IsScalar()
  @ApiProperty({
    required: false,
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
  })
  fieldValue?: string | number | boolean | null;
}

export class ContactWriteDto {
  /** The value of the account's uniqueness key: an email, or a mobile number. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  contactKey: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ContactAttributeInputDto)
  attributes: ContactAttributeInputDto[];

  /** Lets this write resubscribe an opted-out contact or clear a hard status. */
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export type ContactWriteStatus = 'created' | 'updated' | 'unchanged';

export class ContactWriteResultDto {
  id: number;
  contactKey: string;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged'] })
  status: ContactWriteStatus;
  /** Changes the sticky consent rules refused. */
  warnings: string[];
}

export class BulkItemResultDto {
  /** Position of the item in the request, from 0. */
  index: number;
  @ApiProperty({ type: String, nullable: true })
  contactKey: string | null;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged', 'error'] })
  status: ContactWriteStatus | 'error';
  id?: number;
  warnings?: string[];
  statusCode?: number;
  /** The error code, as in an error answer (`ContactKeyTaken`, `InvalidAttributes`…). */
  code?: string;
  message?: string;
  details?: ErrorDetailDto[];
}

export class BulkContactWriteResultDto {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  results: BulkItemResultDto[];
}

export class ContactAttributeDto {
  /** The field: a built-in key (`firstname`) or a custom field id as a string (`"12"`), as v4 names it. */
  id: string;
  /** The same as `id`. */
  fieldName: string;
  /** As text; list values as value texts (`attribute` reads) or value ids (`attributevalueid` reads), comma-separated. */
  fieldValue: string;
}

export class ContactDataDto {
  @ApiProperty({ type: 'integer' })
  id: number;
  /** Null for a copy added while duplicates are allowed, and for an anonymised contact. */
  @ApiProperty({ type: String, nullable: true })
  contactKey: string | null;
  attributes: ContactAttributeDto[];
}

/** A contact as the v4 reads answer it (`ContactData`). */
export class ContactDataV4Dto extends ContactDataDto {
  /** An opaque token standing for the contact, for links that must not show its id. */
  idEncrypted: string;
}

export class ContactListQueryDto {
  /** Page size, 1 to 1000. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  cursor?: string;

  @IsOptional()
  @IsString()
  email?: string;

  @IsOptional()
  @IsString()
  mobile?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  groupId?: number;

  /** ISO 8601 instant: only contacts changed at or after it. */
  @IsOptional()
  @IsDateString()
  updatedSince?: string;
}

export class ContactPageDto {
  contacts: ContactDataDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class ContactHistoryQueryDto {
  @IsString()
  @IsNotEmpty()
  contactKey: string;

  /** How many of the latest entries to return (default 50, at most 1000). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  size?: number;
}

/** A history entry as Carnet's own paths show it (personal data export, history search). */
export class ContactLogDto {
  id: number;
  /** creation, update, group, anonymisation, event, or what an API caller recorded… */
  type: string;
  /** The fields or group concerned. */
  object: string;
  title: string;
  /** UTC `yyyy-MM-dd HH:mm:ss` when it happened. */
  date: string;
  /** Where the change came from: api, import, event. */
  group: string;
  @ApiProperty({ type: Number, nullable: true })
  operationId: number | null;
  /** UTC `yyyy-MM-dd HH:mm:ss` when it was recorded. */
  logDate: string;
}

/** A history entry as the v4 client reads it (`ContactLog`): keys in PascalCase. */
export class ContactLogV4Dto {
  @ApiProperty({ type: 'integer' })
  Id: number;
  /** creation, update, group, anonymisation, event, or the `Type` an API caller recorded. */
  Type: string;
  /** The fields or group concerned, or the `Object` an API caller recorded. */
  Object: string;
  Title: string;
  /** UTC `yyyy-MM-dd HH:mm:ss` when it happened. */
  Date: string;
  /** Where the change came from: api, import, event. */
  Group: string;
  /** The import, or the operation an API caller named; 0 when there is none. */
  @ApiProperty({ type: 'integer' })
  OperationId: number;
  /** UTC `yyyy-MM-dd HH:mm:ss` when it was recorded. */
  LogDate: string;
}

/** The v4 history of a contact. */
export class ContactHistoryDto {
  contactKey: string;
  /** 1 when the contact exists, else 0. */
  @ApiProperty({ type: 'integer' })
  contactFound: number;
  /** Total number of history entries of the contact. */
  @ApiProperty({ type: 'integer' })
  records: number;
  logs: ContactLogV4Dto[];
}

/** Carnet's history search answer (camelCase entries). */
export class ContactHistorySearchDto {
  contactKey: string;
  contactFound: boolean;
  @ApiProperty({ type: 'integer' })
  records: number;
  logs: ContactLogDto[];
}

/** One activity a sending system reports ("opened newsletter 42"). */
export class ContactActivityDto {
  /** What happened (`open`, `click`, `send`…). Default `activity`. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  Type?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  Title: string;

  /** What it concerns (a campaign's subject…). */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  Object?: string;

  /** The sending system's operation (campaign) id. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @ApiProperty({ type: 'integer', required: false })
  OperationId?: number;

  /** When it happened: UTC `yyyy-MM-dd HH:mm:ss` or ISO 8601. Default now. */
  @IsOptional()
  @IsString()
  LogDate?: string;

  /** Accepted in place of `LogDate` when that is absent. */
  @IsOptional()
  @IsString()
  Date?: string;
}

/** `POST /contact/history`: activities to add to a contact's history (v4 `ContactHistory` with `logs`). */
export class AddContactActivityDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  contactKey: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ContactActivityDto)
  logs: ContactActivityDto[];
}

export class ContactActivityAddedDto {
  contactKey: string;
  /** Entries added to the contact's history. */
  added: number;
}

export class AnonymisedContactDto {
  id: number;
  anonymisedAt: string;
}
