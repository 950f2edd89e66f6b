import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from './error-body.dto.js';

/** The failures a REST operation can answer, each in the {@link ErrorBodyDto} body. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 503;

/**
 * Node's HTTP server refuses request headers over 16 KB before any route runs (431, no body):
 * documented wherever a bearer token is read, since an oversized token is how a client meets it.
 */
const HEADERS_TOO_LARGE = {
  status: 431,
  description: 'Request headers over 16 KB (an oversized token), refused by the HTTP server: no body',
};

const MEANING: Record<ErrorStatus, string> = {
  400: 'Validation failed: `message` lists the problems (body, path, query or Idempotency-Key)',
  401: 'Missing, malformed, wrongly signed or expired bearer token',
  403: 'The token lacks the role, or the channel permission, this operation needs',
  404: 'Unknown channel namespace',
  413: 'Request body over MAX_PAYLOAD_BYTES',
  503:
    'The store did not answer in time (Redis slow or unreachable): nothing to fix on your side, retry ' +
    'after Retry-After seconds',
};

/**
 * Documents each status in `statuses` with its meaning and the error body, so generated
 * clients know every answer an operation can give. A status documented elsewhere with a more
 * precise description (the idempotent publish's 503) is left out of the list by its caller.
 */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: MEANING[status],
        type: ErrorBodyDto,
        ...(status === 503 && {
          headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } },
        }),
      }),
    ),
    ...(statuses.includes(401) ? [ApiResponse(HEADERS_TOO_LARGE)] : []),
  );
}
