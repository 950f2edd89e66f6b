import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { GatewayError } from '../../errors/gateway.error.js';
import type { GatewaySocket } from '../gateway-socket.js';

/**
 * Every command runs for an authenticated, unexpired session. The handshake set the
 * principal; this re-checks it per message, since a token can expire on an open connection.
 */
const REFRESH_COMMAND = 'auth.refresh';

@Injectable()
export class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const ws = context.switchToWs();
    const { principal } = ws.getClient<GatewaySocket>().data;
    if (!principal) throw GatewayError.unauthorized('not authenticated');
    // `auth.refresh` is how a session avoids expiring: one sent in the last instant, before the
    // expiry timer fired, must still be heard (it brings its own token, verified in full).
    if (ws.getPattern() === REFRESH_COMMAND) return true;
    if (principal.exp !== undefined && principal.exp * 1000 <= Date.now()) {
      throw GatewayError.unauthorized('token expired');
    }
    return true;
  }
}
