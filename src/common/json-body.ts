import { json, RequestHandler } from 'express';
import { BadRequest } from './errors';

/**
 * JSON body parsing whose syntax errors reach the error filter as a precise 400; Nest would
 * otherwise turn them into a bare BadRequestException carrying only the parser's message.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = json({ limit });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) =>
      next(
        error instanceof SyntaxError
          ? new BadRequest('MalformedJson', `Malformed JSON body: ${error.message}. Send valid JSON.`)
          : error,
      ),
    );
}
