import type { GatewaySocket } from './gateway-socket.js';

/**
 * How long a long-polling client has to close its own transport after a server disconnect
 * before the gateway closes it. A standard client does so at once, on the DISCONNECT packet.
 */
export const CLIENT_CLOSE_GRACE_MS = 5000;

/**
 * A server disconnect (`io server disconnect`: a standard client stays away), for the session
 * expiring, a control disconnect, a revocation and rate-limit abuse.
 *
 * Over WebSocket it is Socket.IO's `disconnect(true)`. Over long-polling that call would close
 * the Engine.IO session right behind the DISCONNECT packet, while the client, on receiving it,
 * sends its own close packet, which then reaches a session that is gone: a `400 Session ID
 * unknown` that browsers log as an error. So over polling only the namespace is disconnected,
 * the client closes its transport itself, and the gateway closes it after
 * {@link CLIENT_CLOSE_GRACE_MS} for a client that does not (the socket is gone from the
 * namespace at once either way: no command of it runs any more).
 */
export function serverDisconnect(socket: GatewaySocket): void {
  const connection = socket.conn;
  if (connection.transport.name !== 'polling') {
    socket.disconnect(true);
    return;
  }
  socket.disconnect();
  const timer = setTimeout(() => connection.close(), CLIENT_CLOSE_GRACE_MS);
  timer.unref();
  connection.once('close', () => clearTimeout(timer));
}
