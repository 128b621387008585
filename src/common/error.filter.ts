import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError, ErrorDetail } from './errors';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: ErrorDetail[];
}

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
  limit?: number;
}

/** Maps every error to SPEC §10's shape; unknown errors become a 500 carrying the request id. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  /** `maxUploadBytes`: named in the message of an upload refused for its size. */
  constructor(private readonly maxUploadBytes?: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const body = this.toBody(exception, String(request.id ?? ''));
    if (body.statusCode === 401) {
      response.setHeader('WWW-Authenticate', 'Basic realm="carnet", charset="UTF-8"');
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      return this.shape(413, `Request body is larger than the ${parserError.limit ?? ''} bytes accepted`);
    }
    if (exception instanceof DomainError) {
      return this.shape(exception.status, exception.message, exception.details);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 413 && this.maxUploadBytes) {
        const megabytes = Math.round(this.maxUploadBytes / 1024 / 1024);
        return this.shape(
          413,
          `The file is larger than the ${megabytes} MB upload limit (MAX_UPLOAD_MB); split it into smaller files`,
        );
      }
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'details' in response) {
        const { message, details } = response as { message: string; details: ErrorDetail[] };
        return this.shape(status, message, details);
      }
      return this.shape(status, exception.message);
    }
    this.logger.error({ err: exception, requestId }, 'Unhandled error');
    return this.shape(500, `Internal error; quote request id ${requestId} when reporting it`);
  }

  private shape(statusCode: number, message: string, details?: ErrorDetail[]): ErrorBody {
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(details ? { details } : {}) };
  }
}
