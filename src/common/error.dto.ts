import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Properties are declared by hand: the swagger plugin does not run under the tests, which read this schema.

export class ErrorDetailDto {
  /** The field concerned, when there is one (`attributes.0.fieldValue`). */
  @ApiPropertyOptional({ type: String })
  field?: string;

  @ApiProperty({ type: String })
  message: string;
}

/** Every error answer (SPEC §11). */
export class ErrorDto {
  @ApiProperty({ type: Number, example: 409 })
  statusCode: number;

  /** The HTTP status text. */
  @ApiProperty({ type: String, example: 'Conflict' })
  error: string;

  /** What went wrong, stable for clients to branch on (`FieldNameTaken`, `ValidationFailed`, `RouteNotFound`…). */
  @ApiProperty({ type: String, example: 'FieldNameTaken' })
  code: string;

  /** What to fix, in words. */
  @ApiProperty({ type: String })
  message: string;

  /** One entry per invalid field or item, when there are several. */
  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];
}
