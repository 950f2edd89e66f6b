import { applyDecorators, type Type } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorBodyDto } from './error-body.dto.js';
import { IDEMPOTENT_REPLAYED_HEADER } from '@switchboard/protocol';

/**
 * OpenAPI of an idempotent REST publish: the optional `Idempotency-Key` header, the replay
 * header on the 201, and the honest 503.
 */
export function ApiIdempotentPublish(type: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes retries safe: a key repeated for the same channel within IDEMPOTENCY_TTL_SECONDS publishes ' +
        'nothing new and answers as the first request did (same status and body), with Idempotent-Replayed: true.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' },
    }),
    ApiCreatedResponse({
      type,
      headers: {
        [IDEMPOTENT_REPLAYED_HEADER]: {
          description: '`true` when this answer replays an earlier request with the same Idempotency-Key',
          schema: { type: 'string', enum: ['true'] },
        },
      },
    }),
    ApiServiceUnavailableResponse({
      type: ErrorBodyDto,
      description:
        'The store did not confirm the publication in time (Redis slow or unreachable). It may have been ' +
        'stored: retry (after Retry-After seconds) with the same Idempotency-Key, which is safe and returns its offset.',
      headers: {
        'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } },
      },
    }),
  );
}

/** Marks an answer that replays an earlier request with the same key. */
export function markReplayed(response: Response, duplicate: boolean): void {
  if (duplicate) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
}
