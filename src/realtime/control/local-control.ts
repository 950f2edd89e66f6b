import { Injectable, Logger } from '@nestjs/common';
import type { SessionTerminatedEvent } from '@switchboard/protocol';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import type { ClusterCommand } from '../cluster/cluster-command.js';
import { addTo, membersOf, type OneOrMany, removeFrom } from '../connections/one-or-many.js';
import { serverDisconnect } from '../connections/server-disconnect.js';
import { loseTransport } from '../connections/transport-loss.js';
import { ServerEmitter } from '../emitter/server-emitter.js';
import type { GatewaySocket } from '../realtime.events.js';
import { RevocationRegistry } from '../revocation/revocation-registry.js';
import { SubscriptionsService } from '../subscriptions.service.js';

type Termination = SessionTerminatedEvent['data'];

const REVOKED: Termination = { reason: 'revoked', reconnect: false };

/**
 * What a control command does on this instance, to this instance's connections only; every
 * instance runs it (see `ClusterCommands`) and answers how many connections it affected.
 */
@Injectable()
export class LocalControl {
  private readonly logger = new Logger(LocalControl.name);
  /**
   * This instance's connected sockets by user. Not a Socket.IO room: on a cluster the sharded
   * adapter subscribes a shard channel per room, and a user's personal-channel room may be
   * left (`unsubscribe`), while this index holds every connection until its disconnect.
   */
  private readonly sessions = new Map<string, OneOrMany<GatewaySocket>>();

  constructor(
    private readonly emitter: ServerEmitter,
    private readonly subscriptions: SubscriptionsService,
    private readonly registry: ChannelRegistry,
    private readonly revocations: RevocationRegistry,
    private readonly metrics: GatewayMetrics,
  ) {}

  async execute(command: ClusterCommand): Promise<number> {
    const affected = await this.run(command);
    if (affected > 0) {
      this.metrics.controlAffected.inc({ action: command.kind }, affected);
      // Where it happened: the instance that took the request logs the action and the total.
      this.logger.log({
        msg: `control ${command.kind} of ${command.userId} applied to ${affected} local connections`,
        event: 'control.applied',
        action: command.kind,
        userId: command.userId,
        affected,
      });
    }
    return affected;
  }

  /** Terminates this instance's connections of `userId` whose token is revoked now. */
  enforceRevocation(userId: string): number {
    const revoked = this.connectionsOf(userId).filter((socket) =>
      this.revocations.isRevoked(socket.data.principal),
    );
    for (const socket of revoked) this.terminate(socket, REVOKED);
    return revoked.length;
  }

  /**
   * Called by the gateway for each new connection, after its disconnect listener is in place
   * (which calls {@link disconnected}). A handshake that passed the revocation check while the
   * revocation was on its way (the handshake awaits Redis after the check) is ended at once,
   * exactly as if the connection had been open when the revocation arrived.
   */
  connected(socket: GatewaySocket): void {
    if (!socket.connected) return;
    const { sub } = socket.data.principal;
    addTo(this.sessions, sub, socket);
    if (this.revocations.isRevoked(socket.data.principal)) this.terminate(socket, REVOKED);
  }

  disconnected(socket: GatewaySocket): void {
    removeFrom(this.sessions, socket.data.principal.sub, socket);
  }

  private async run(command: ClusterCommand): Promise<number> {
    switch (command.kind) {
      case 'disconnect': {
        const connections = this.connectionsOf(command.userId);
        for (const socket of connections) {
          this.terminate(socket, { reason: 'disconnected', reconnect: command.reconnect });
        }
        return connections.length;
      }
      case 'revoke':
        // The cache first: a handshake completing from now on is refused, or ended at once.
        this.revocations.record(command.userId, command);
        return this.enforceRevocation(command.userId);
      case 'kick': {
        const channel = this.registry.resolve(command.channel);
        const kicked = await Promise.all(
          this.connectionsOf(command.userId).map((socket) => this.subscriptions.revoke(socket, channel)),
        );
        return kicked.filter(Boolean).length;
      }
    }
  }

  /**
   * `session.terminated`, then the close. Both go out in order on the connection: Engine.IO
   * closes a transport only once its buffer drained, so the event always arrives first.
   * `reconnect: false` is a server disconnect (a stock client stays away); `true` ends the
   * transport only, as a lost one (the client reconnects by itself; see loseTransport).
   */
  private terminate(socket: GatewaySocket, data: Termination): void {
    this.emitter.toSocket(socket, 'session.terminated', {
      event: 'session.terminated',
      data,
      ts: Date.now(),
    });
    if (data.reconnect) loseTransport(socket.conn);
    else serverDisconnect(socket);
  }

  /** This instance's connected sockets of `userId` (a copy: terminating one removes it). */
  private connectionsOf(userId: string): GatewaySocket[] {
    return membersOf(this.sessions.get(userId)).filter((socket) => socket.connected);
  }
}
