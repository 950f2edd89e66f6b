import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { RevokedTokenException } from './jwt.strategy.js';

/**
 * Every REST endpoint under `/api/v1` sits behind this guard. A refused token answers 401 in
 * the full NestJS error body `{ statusCode, message, error }`: passport's default is a bare
 * `UnauthorizedException()`, whose body has no `error`. The reason is logged, never sent, except
 * `token revoked` (contract v3 §3).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof RevokedTokenException) throw error;
    if (error instanceof Error && !(error instanceof UnauthorizedException)) throw error;
    if (error || !user) throw new UnauthorizedException('missing, invalid or expired bearer token');
    return user;
  }
}
