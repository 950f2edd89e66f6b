import {
  BadRequestException,
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { idempotencyKeyProblem, IDEMPOTENCY_KEY_HEADER } from '@switchboard/protocol';

/**
 * The store key of a REST idempotency key. REST keys live in a scope of their own so that a
 * backend's key can never collide with a `chat.send` `clientId` (scoped per user) in the same
 * channel; every REST endpoint (and batch items) share it, since a key is per channel.
 */
export const restIdempotencyKey = (key: string | undefined): string | undefined =>
  key === undefined ? undefined : `api:${key}`;

/**
 * The optional `Idempotency-Key` header, validated: absent is `undefined`; anything but one
 * well-formed key (a repeated header arrives joined with commas, `null` is an unset value
 * written out) is a 400. Parameters resolve after the guards, so a request without a valid
 * token still gets its 401 first.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  const problem = idempotencyKeyProblem(value, IDEMPOTENCY_KEY_HEADER);
  if (problem) throw new BadRequestException(problem);
  return value;
});

/**
 * For an endpoint whose keys go elsewhere (each batch item has its own): an `Idempotency-Key`
 * header is a 400, never silently ignored, since its caller believes its retries are safe.
 * A method guard, so it runs after the class's authentication and role guards (401/403 first).
 */
@Injectable()
export class NoIdempotencyKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<Request>().headers['idempotency-key'] !== undefined) {
      throw new BadRequestException(
        `${IDEMPOTENCY_KEY_HEADER} is not accepted here: give each publication its own idempotencyKey`,
      );
    }
    return true;
  }
}
