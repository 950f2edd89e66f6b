import type { GatewaySocket } from './gateway-socket.js';

type Connection = GatewaySocket['conn'];

/** Packets queued for the client: Engine.IO's write buffer, a field its typings call private. */
const queued = (connection: Connection): number =>
  (connection as unknown as { writeBuffer: readonly unknown[] }).writeBuffer.length;

/**
 * Ends a connection as a lost transport, which every standard client answers by reconnecting
 * (the control API's `disconnect { reconnect: true }`).
 *
 * Over WebSocket that is closing the transport: every client sees the socket close. Over
 * long-polling, Engine.IO's own close answers the waiting poll with a close packet, and
 * clients read that differently: socket.io-client as `transport close` (it reconnects),
 * python-socketio 5 (python-engineio 4) as the server ending the session for good (it stays
 * away). So a polling session ends the way a lost one does instead: once what was queued for
 * the client (`session.terminated`) has gone out, a waiting poll is answered with a no-op and
 * the session is dropped without a close packet; the client's next request is refused
 * (`400 Session ID unknown`), which every client treats as a transport error and reconnects.
 */
export function loseTransport(connection: Connection): void {
  if (connection.transport.name !== 'polling') {
    connection.close();
    return;
  }
  const drop = (): void => {
    const transport = connection.transport;
    if (transport.writable) transport.send([{ type: 'noop' }]);
    // Discarded: closed at once, without the close packet it would otherwise owe the next poll.
    connection.close(true);
  };
  // Queued packets leave with the client's next poll ('drain'); the session ends after them.
  if (queued(connection) > 0) connection.once('drain', drop);
  else drop();
}
