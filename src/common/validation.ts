import { applyDecorators, ParseIntPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, ValidateBy } from 'class-validator';
import { BadRequest, ErrorDetail } from './errors';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: ErrorDetail[] = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return own.concat(flatten(error.children ?? [], field));
  });
}

/** Global pipe: strips unknown properties, converts types, and lists every invalid field. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new BadRequest(
        'ValidationFailed',
        `Invalid request: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
        details,
      );
    },
  });
}

/** An optional boolean that also accepts the strings multipart forms send ("true", "false", "1", "0"). */
export function OptionalFormBoolean(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'string') return value;
      const lowered = value.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(lowered)) return true;
      if (['false', '0', 'no'].includes(lowered)) return false;
      return value;
    }),
    IsBoolean(),
  );
}

/** A positive integer id in a route. */
export const idParam = new ParseIntPipe({
  exceptionFactory: () => new BadRequest('InvalidId', 'The id in the path must be a whole number'),
});

/** A JSON scalar (string, number, boolean or null): what a v4 `fieldValue` may be. */
export function IsScalar(): PropertyDecorator {
  return ValidateBy({
    name: 'isScalar',
    validator: {
      validate: (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value),
      defaultMessage: (args) => `${args?.property ?? 'value'} must be a string, a number, a boolean or null`,
    },
  });
}

/** A field named as v4 `ContactAttribute.id` does: a non-empty string (built-in key or id) or a whole number. */
export function IsFieldId(): PropertyDecorator {
  return ValidateBy({
    name: 'isFieldId',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isInteger(value)),
      defaultMessage: (args) =>
        `${args?.property ?? 'id'} must be a built-in key or a custom field id (a string or a whole number)`,
    },
  });
}
