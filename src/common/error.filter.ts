import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError, ErrorDetail } from './errors';
import { uniqueViolation } from './unique-violation';

/** SPEC §11's error body; `code` is what clients branch on. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: ErrorDetail[];
}

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
  limit?: number;
}

/** The code of an HTTP error raised outside the modules (Nest, multer): its status name, `Not Found` → `NotFound`. */
export function statusCode(status: number): string {
  return (STATUS_CODES[status] ?? 'Error').replace(/[^A-Za-z]/g, '');
}

/** Maps every error to SPEC §11's shape; unknown errors become a 500 carrying the request id. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  /** `maxUploadBytes`: named in the message of an upload refused for its size. */
  constructor(private readonly maxUploadBytes?: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const body = this.toBody(exception, request);
    if (body.statusCode === 401) {
      response.setHeader('WWW-Authenticate', 'Basic realm="carnet", charset="UTF-8"');
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request & { id?: string }): ErrorBody {
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      return this.shape(
        413,
        'PayloadTooLarge',
        `Request body is larger than the ${parserError.limit ?? ''} bytes accepted`,
      );
    }
    if (exception instanceof DomainError) {
      return this.shape(exception.status, exception.code, exception.message, exception.details);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 413 && this.maxUploadBytes) {
        const megabytes = Math.round(this.maxUploadBytes / 1024 / 1024);
        return this.shape(
          413,
          'PayloadTooLarge',
          `The file is larger than the ${megabytes} MB upload limit (MAX_UPLOAD_MB); split it into smaller files`,
        );
      }
      // Nest's own answer to a path no controller serves.
      if (exception instanceof NotFoundException && exception.message.startsWith('Cannot ')) {
        return this.shape(
          404,
          'RouteNotFound',
          `No route ${request.method} ${request.originalUrl.split('?')[0]}; see /docs for the routes this API serves`,
        );
      }
      return this.shape(status, statusCode(status), exception.message);
    }
    // A unique index refused a row another request wrote meanwhile (the services map the ones they expect).
    if (uniqueViolation(exception) !== undefined) {
      return this.shape(
        409,
        'AlreadyExists',
        'Another request created the same thing at the same moment; read it again before retrying',
      );
    }
    const requestId = String(request.id ?? '');
    this.logger.error({ err: exception, requestId }, 'Unhandled error');
    return this.shape(500, 'InternalError', `Internal error; quote request id ${requestId} when reporting it`);
  }

  private shape(statusCode: number, code: string, message: string, details?: ErrorDetail[]): ErrorBody {
    return {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      code,
      message,
      ...(details ? { details } : {}),
    };
  }
}
