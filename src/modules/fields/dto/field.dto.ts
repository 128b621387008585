import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { CUSTOM_FIELD_FORMATS, CustomFieldFormat } from '../custom-field.entity';

export class FieldDto {
  @ApiProperty({ type: 'integer' })
  id: number;
  /** UTC `yyyy-MM-dd HH:mm:ss`. */
  creationDate: string;
  description: string;
  @ApiProperty({ enum: CUSTOM_FIELD_FORMATS })
  format: CustomFieldFormat;
  /**
   * DateTime: the date format used to read files (`dd.mm.yyyy`…); SingleSelection/MultipleSelection:
   * `"true"` when imports may add unknown values, `"false"` when they are rejected.
   */
  options: string;
  name: string;
}

export class CreateFieldDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiProperty({ enum: CUSTOM_FIELD_FORMATS })
  @IsIn(CUSTOM_FIELD_FORMATS)
  format: CustomFieldFormat;

  /** See FieldDto.options; defaults to `dd.mm.yyyy` for DateTime and `"false"` for list fields. */
  @IsOptional()
  @IsString()
  options?: string;
}

export class UpdateFieldDto {
  @IsInt()
  @ApiProperty({ type: 'integer' })
  id: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** Must equal the current format when given: a field's format cannot change. */
  @ApiProperty({ enum: CUSTOM_FIELD_FORMATS, required: false })
  @IsOptional()
  @IsIn(CUSTOM_FIELD_FORMATS)
  format?: CustomFieldFormat;

  @IsOptional()
  @IsString()
  options?: string;
}

export class FieldValueDto {
  @ApiProperty({ type: 'integer' })
  id: number;
  creationDate: string;
  /** 1-based position of the value in its list. */
  @ApiProperty({ type: 'integer' })
  index: number;
  text: string;
}

export class CreateFieldValueDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  text: string;

  /** 1-based position; the value goes last when omitted. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @ApiProperty({ type: 'integer', required: false })
  index?: number;
}

export class UpdateFieldValueDto {
  @IsInt()
  @ApiProperty({ type: 'integer' })
  id: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  text?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @ApiProperty({ type: 'integer', required: false })
  index?: number;
}

export class BuiltinFieldDto {
  key: string;
  format: string;
  labelFr: string;
  labelEn: string;
  readOnly: boolean;
}
