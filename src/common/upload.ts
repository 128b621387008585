import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiConsumes } from '@nestjs/swagger';
import type { Request } from 'express';
import { rm } from 'node:fs/promises';
import { finalize, Observable } from 'rxjs';

/** Deletes the uploaded temporary file once the request is answered, whatever the outcome. */
@Injectable()
class RemoveUploadedFile implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      finalize(() => {
        if (request.file?.path) void rm(request.file.path, { force: true });
      }),
    );
  }
}

/** A multipart route receiving one file in `field`, stored in a temporary file removed afterwards. */
export function FileUpload(field = 'file'): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    UseInterceptors(FileInterceptor(field), RemoveUploadedFile),
  );
}
