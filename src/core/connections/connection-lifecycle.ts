import { Injectable, Logger } from '@nestjs/common';
import type { SessionTerminatedEvent } from '@switchboard/protocol';
import { TokenAdmission } from '../../auth/token-admission.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ServerEmitter } from '../delivery/server-emitter.js';
import { CommandDispatcher } from './commands/command-dispatcher.js';
import type { GatewaySocket } from './gateway-socket.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import { addTo, membersOf, type OneOrMany, removeFrom } from './one-or-many.js';
import { serverDisconnect } from './server-disconnect.js';
import { SessionExpiry } from './session-expiry.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { loseTransport } from './transport-loss.js';

export type Termination = SessionTerminatedEvent['data'];

const REVOKED: Termination = { reason: 'revoked', reconnect: false };

/**
 * A connection's life after its handshake, in one place: what it takes when it opens (its
 * connection slot handed over from the handshake, its command state, its session expiry, its
 * entry in this instance's index of sessions) and everything given back when it closes,
 * once, whatever ended it. The handshake itself (token, revocation, slot, personal channel)
 * is {@link HandshakeMiddleware}'s; subscriptions are {@link SubscriptionsService}'s.
 *
 * Also the one way the server ends a session ({@link terminate}), for the control API and for
 * revocations, with the index it needs to find a user's connections on this instance.
 */
@Injectable()
export class ConnectionLifecycle {
  private readonly logger = new Logger(ConnectionLifecycle.name);
  /**
   * This instance's connected sockets by user. Not a Socket.IO room: on a cluster the sharded
   * adapter subscribes a shard channel per room, and a user's personal-channel room may be
   * left (`unsubscribe`), while this index holds every connection until its disconnect.
   */
  private readonly sessions = new Map<string, OneOrMany<GatewaySocket>>();
  /** One listener function for every connection, called with it as `this`: nothing per socket. */
  private readonly disconnected: (this: GatewaySocket, reason: string) => void;

  constructor(
    private readonly handshake: HandshakeMiddleware,
    private readonly commands: CommandDispatcher,
    private readonly subscriptions: SubscriptionsService,
    private readonly expiry: SessionExpiry,
    private readonly tokens: TokenAdmission,
    private readonly emitter: ServerEmitter,
    private readonly metrics: GatewayMetrics,
  ) {
    const closed = this.closed.bind(this);
    this.disconnected = function (this: GatewaySocket, reason: string) {
      closed(this, reason);
    };
  }

  /**
   * The connection completed its handshake. Counts and logs it (one `connection.open` line:
   * user, transport; never its token or payloads).
   */
  opened(socket: GatewaySocket): void {
    this.handshake.connected(socket);
    this.commands.attach(socket);
    const transport = socket.conn.transport.name;
    this.metrics.connects.inc({ transport });
    this.logger.log({
      msg: 'connection opened',
      event: 'connection.open',
      userId: socket.data.principal.sub,
      socketId: socket.id,
      transport,
    });
    socket.on('disconnect', this.disconnected);
    // After the listener above, which must release what follows: a token that expired (or
    // was revoked) during the handshake ends the connection at once.
    this.expiry.schedule(socket);
    if (!socket.connected) return;
    addTo(this.sessions, socket.data.principal.sub, socket);
    // A handshake that passed the revocation check while the revocation was on its way (the
    // handshake awaits Redis after the check) is ended now, as if it had been open then.
    if (this.tokens.isRevoked(socket.data.principal)) this.terminate(socket, REVOKED);
  }

  /** This instance's connected sockets of `userId` (a copy: terminating one removes it). */
  connectionsOf(userId: string): GatewaySocket[] {
    return membersOf(this.sessions.get(userId)).filter((socket) => socket.connected);
  }

  /** Terminates this instance's connections of `userId` whose token is revoked now. */
  enforceRevocation(userId: string): number {
    const revoked = this.connectionsOf(userId).filter((socket) =>
      this.tokens.isRevoked(socket.data.principal),
    );
    for (const socket of revoked) this.terminate(socket, REVOKED);
    return revoked.length;
  }

  /**
   * `session.terminated`, then the close. Both go out in order on the connection: Engine.IO
   * closes a transport only once its buffer drained, so the event always arrives first.
   * `reconnect: false` is a server disconnect (a stock client stays away); `true` ends the
   * transport only, as a lost one (the client reconnects by itself; see loseTransport).
   */
  terminate(socket: GatewaySocket, data: Termination): void {
    this.emitter.toSocket(socket, 'session.terminated', {
      event: 'session.terminated',
      data,
      ts: Date.now(),
    });
    if (data.reconnect) loseTransport(socket.conn);
    else serverDisconnect(socket);
  }

  /** Everything a connection took is given back here, once, whatever ended it. */
  private closed(socket: GatewaySocket, reason: string): void {
    // The transport at the end, after any upgrade.
    const transport = socket.conn.transport.name;
    this.metrics.disconnects.inc({ transport, reason });
    this.metrics.connectionClosed(socket.conn.upgraded);
    this.logger.log({
      msg: 'connection closed',
      event: 'connection.close',
      userId: socket.data.principal.sub,
      socketId: socket.id,
      transport,
      // Since the client's CONNECT arrived (Socket.IO's `handshake.issued`): no clock of our own per connection.
      durationMs: Date.now() - socket.handshake.issued,
      reason,
    });
    this.expiry.cancel(socket);
    removeFrom(this.sessions, socket.data.principal.sub, socket);
    this.handshake.disconnected(socket);
    void this.subscriptions.releaseAll(socket);
  }
}
