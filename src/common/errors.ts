import { HttpStatus } from '@nestjs/common';

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** A rule broken by the caller. The global filter turns it into `{statusCode, error, code, message, details?}`. */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string | number) {
    super(
      HttpStatus.NOT_FOUND,
      `${what}NotFound`,
      `${what} ${JSON.stringify(String(id))} was not found in this account`,
    );
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string) {
    super(HttpStatus.CONFLICT, code, message);
  }
}

export class BadRequest extends DomainError {
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(HttpStatus.BAD_REQUEST, code, message, details);
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(message: string) {
    super(HttpStatus.PAYLOAD_TOO_LARGE, 'PayloadTooLarge', message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message: string) {
    super(HttpStatus.UNAUTHORIZED, 'Unauthorized', message);
  }
}
