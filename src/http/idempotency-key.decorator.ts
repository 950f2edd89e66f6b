import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { IDEMPOTENCY_KEY_PATTERN } from '@switchboard/protocol';

export { IDEMPOTENCY_KEY_PATTERN };
export const IDEMPOTENCY_KEY_MESSAGE = 'Idempotency-Key must match ^[A-Za-z0-9_.:-]{1,128}$';

/**
 * The store key of a REST idempotency key. REST keys live in a scope of their own so that a
 * backend's key can never collide with a `chat.send` `clientId` (scoped per user) in the same
 * channel; every REST endpoint (and batch items) share it, since a key is per channel.
 */
export const restIdempotencyKey = (key: string | undefined): string | undefined =>
  key === undefined ? undefined : `api:${key}`;

/**
 * The optional `Idempotency-Key` header, validated: absent is `undefined`; anything but one
 * well-formed key (a repeated header arrives joined with commas) is a 400. Parameters resolve
 * after the guards, so a request without a valid token still gets its 401 first.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new BadRequestException(IDEMPOTENCY_KEY_MESSAGE);
  }
  return value;
});
