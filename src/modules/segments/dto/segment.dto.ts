import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ContactDataDto } from '../../contacts/dto/contact.dto';
import { OPERATORS } from '../criteria-catalogue';

const TREE_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  description:
    'A criteria tree: {"all": [node…]}, {"any": [node…]}, {"not": node}, {"field": KEY, "op": OP, "value": V} ' +
    'or "values": [V…], {"inSegment": ID}, {"inGroup": ID}, {"inImport": ID}.',
  example: {
    all: [
      { field: 'zipcode', op: 'startsWith', value: '75' },
      { field: 'emailoptin', op: 'equals', value: 'yes' },
    ],
  },
} as const;

/** A JSON object (the tree is checked by the criteria compiler, which names each criterion it refuses). */
function IsTree(): PropertyDecorator {
  return ValidateBy({
    name: 'isTree',
    validator: {
      validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
      defaultMessage: () => 'tree must be a criteria object such as {"all": [...]}',
    },
  });
}

export class SegmentDto {
  id: number;
  name: string;
  description: string;
  @ApiProperty(TREE_SCHEMA)
  tree: Record<string, unknown>;
  /** Default segments exist in every account with the same ids and cannot be changed. */
  isDefault: boolean;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  creationDate: string;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  modificationDate: string;
}

export class SegmentWriteDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty(TREE_SCHEMA)
  @IsTree()
  tree: Record<string, unknown>;
}

export class SegmentCountDto {
  count: number;
  /** UTC `yyyy-MM-dd HH:mm:ss`: membership is computed when asked, so this is the moment of the answer. */
  countedAt: string;
}

const splitList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

export class ContactSelectionPageQueryDto {
  /** Page size, 1 to 1000 (default 100). */
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

  /** Fields to return, comma-separated built-in keys or custom field ids (default: every field with a value). */
  @ApiProperty({ required: false, type: String, example: 'email,firstname,lastname,12' })
  @IsOptional()
  @Transform(splitList)
  @IsArray()
  @IsString({ each: true })
  fields?: string[];
}

export class ContactSearchDto {
  @ApiProperty(TREE_SCHEMA)
  @IsTree()
  tree: Record<string, unknown>;

  /** Page size, 1 to 1000 (default 100). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  cursor?: string;

  /** Fields to return: built-in keys or custom field ids (default: every field with a value). */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  fields?: string[];
}

export class ContactSearchCountDto {
  @ApiProperty(TREE_SCHEMA)
  @IsTree()
  tree: Record<string, unknown>;
}

export class ContactSelectionPageDto {
  contacts: ContactDataDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class CriteriaValueDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }] })
  value: string | number;
  label: string;
}

const ALL_OPERATORS = [...new Set(Object.values(OPERATORS).flat())];

export class CriteriaFieldDto {
  /** What a criterion's `field` takes: a built-in key or a custom field id as a string. */
  key: string;
  labelFr: string;
  labelEn: string;
  format: string;
  @ApiProperty({ enum: ['text', 'number', 'date', 'single', 'multi', 'enum', 'boolean'] })
  kind: string;
  @ApiProperty({ enum: ALL_OPERATORS, isArray: true })
  operators: string[];
  /** List fields: the accepted values (custom lists also accept a value's text). */
  @ApiProperty({ type: [CriteriaValueDto], required: false })
  values?: CriteriaValueDto[];
  custom: boolean;
}

export class CriteriaCatalogueDto {
  fields: CriteriaFieldDto[];
  /** Membership criteria: `{"inSegment": id}`, `{"inGroup": id}`, `{"inImport": id}`. */
  memberships: string[];
  /** Tree limits. */
  maxDepth: number;
  maxCriteria: number;
}

/** The v4 `Segment` model, keys exactly as the v4 client spells them. */
export class V4SegmentDto {
  @IsOptional()
  @IsInt()
  @ApiProperty({ type: 'integer', required: false })
  id?: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  /** UTC `yyyy-MM-dd HH:mm:ss`; ignored on writes. */
  @IsOptional()
  @IsString()
  creationDate?: string;

  /** How an array in `details` is combined: `union` (any, the default) or `intersection` (all). */
  @IsOptional()
  @IsIn(['union', 'intersection'])
  mode?: string;

  /** The criteria as JSON text: a tree, or an array of criteria combined by `mode`. */
  @IsString()
  @IsNotEmpty()
  details: string;
}

export class V4SegmentUpdateDto extends V4SegmentDto {
  @IsInt()
  @ApiProperty({ type: 'integer' })
  declare id: number;
}

/** A segment as the v4 reads answer it: every key of the v4 `Segment` model, always present. */
export class V4SegmentAnswerDto {
  @ApiProperty({ type: 'integer' })
  id: number;
  name: string;
  description: string;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  creationDate: string;
  /** `union` or `intersection`. */
  mode: string;
  /** The criteria as JSON text. */
  details: string;
}
