import { ApiProperty } from '@nestjs/swagger';
import { ErrorDetailDto } from '../../../common/error.dto';
import { Type } from 'class-transformer';
import {
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
  ValidateNested,
} from 'class-validator';
import { IsScalar } from '../../../common/validation';

export class ContactAttributeInputDto {
  /** A built-in key (`firstname`, `email`…) or a custom field id as a string. */
  @IsString()
  @IsNotEmpty()
  fieldName: string;

  /** Multi-select values as comma-separated value ids; empty or null clears the value. */
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
  /** The custom field id; null for a built-in field. */
  @ApiProperty({ type: Number, nullable: true })
  id: number | null;
  fieldName: string;
  fieldValue: string;
}

export class ContactDataDto {
  id: number;
  @ApiProperty({ type: String, nullable: true })
  contactKey: string | null;
  attributes: ContactAttributeDto[];
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

export class ContactLogDto {
  id: number;
  /** creation, update, group, anonymisation, event… */
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

export class ContactHistoryDto {
  contactKey: string;
  contactFound: boolean;
  /** Total number of history entries of the contact. */
  records: number;
  logs: ContactLogDto[];
}

export class AnonymisedContactDto {
  id: number;
  anonymisedAt: string;
}
