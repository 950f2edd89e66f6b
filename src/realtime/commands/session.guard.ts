import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { GatewayError } from '../errors/gateway.error.js';
import type { GatewaySocket } from '../realtime.events.js';

/**
 * Every command runs for an authenticated, unexpired session. The handshake set the
 * principal; this re-checks it per message, since a token can expire on an open connection.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToWs().getClient<GatewaySocket>().data;
    if (!principal) throw GatewayError.unauthorized('not authenticated');
    if (principal.exp !== undefined && principal.exp * 1000 <= Date.now()) {
      throw GatewayError.unauthorized('token expired');
    }
    return true;
  }
}
