import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { BackendUnavailableError, GatewayError } from '../core/errors/gateway.error.js';
import { ErrorCode } from '@switchboard/protocol';

const STATUS: Record<ErrorCode, HttpStatus> = {
  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  LIMIT_EXCEEDED: HttpStatus.TOO_MANY_REQUESTS,
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
};

const PHRASE: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.BAD_REQUEST]: 'Bad Request',
  [HttpStatus.UNAUTHORIZED]: 'Unauthorized',
  [HttpStatus.FORBIDDEN]: 'Forbidden',
  [HttpStatus.NOT_FOUND]: 'Not Found',
  [HttpStatus.TOO_MANY_REQUESTS]: 'Too Many Requests',
  [HttpStatus.INTERNAL_SERVER_ERROR]: 'Internal Server Error',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Service Unavailable',
};

const RETRY_AFTER_SECONDS = '1';

/** The status a channel-core error has on REST (a batch item's error uses it too). */
export function httpStatusOf(exception: GatewayError): HttpStatus {
  return exception instanceof BackendUnavailableError
    ? HttpStatus.SERVICE_UNAVAILABLE
    : STATUS[exception.code];
}

/** The NestJS error body `{ statusCode, message, error }` of a channel-core error. */
export function httpErrorBody(exception: GatewayError): {
  statusCode: HttpStatus;
  message: string | string[];
  error: string;
} {
  const statusCode = httpStatusOf(exception);
  const message = exception.details.length
    ? exception.details.flatMap((detail) => detail.messages)
    : exception.message;
  return { statusCode, message, error: PHRASE[statusCode] ?? 'Error' };
}

/** The channel core's errors on REST, in the NestJS error body `{ statusCode, message, error }`. */
@Catch(GatewayError)
export class GatewayErrorHttpFilter implements ExceptionFilter {
  private readonly logger = new Logger(GatewayErrorHttpFilter.name);

  catch(exception: GatewayError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const body = httpErrorBody(exception);
    if (exception instanceof BackendUnavailableError) {
      this.logger.warn({
        msg: 'REST request failed: backend unavailable',
        // The access log's id (pino-http sets `req.id`), so this line joins the request's.
        requestId: http.getRequest<{ id?: unknown }>().id,
        error: String(exception.cause),
      });
      // Passing: the Redis clients reconnect within 2 s (retry backoff), so a short wait is enough.
      response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    }
    response.status(body.statusCode).json(body);
  }
}
