import { Injectable } from '@nestjs/common';
import type { SessionTerminatedEvent } from '@switchboard/protocol';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { sessionRoom } from '../channels/channel-room.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import type { ClusterCommand } from '../cluster/cluster-command.js';
import { ServerEmitter } from '../emitter/server-emitter.js';
import type { GatewaySocket } from '../realtime.events.js';
import { RevocationRegistry } from '../revocation/revocation-registry.js';
import { SocketServerRef } from '../socket-server.ref.js';
import { SubscriptionsService } from '../subscriptions.service.js';

type Termination = SessionTerminatedEvent['data'];

const REVOKED: Termination = { reason: 'revoked', reconnect: false };

/**
 * What a control command does on this instance, to this instance's connections only; every
 * instance runs it (see `ClusterCommands`) and answers how many connections it affected.
 */
@Injectable()
export class LocalControl {
  constructor(
    private readonly sockets: SocketServerRef,
    private readonly emitter: ServerEmitter,
    private readonly subscriptions: SubscriptionsService,
    private readonly registry: ChannelRegistry,
    private readonly revocations: RevocationRegistry,
    private readonly metrics: GatewayMetrics,
  ) {}

  async execute(command: ClusterCommand): Promise<number> {
    const affected = await this.run(command);
    if (affected > 0) this.metrics.controlAffected.inc({ action: command.kind }, affected);
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
   * A connection whose handshake passed the revocation check while the revocation was on
   * its way (the handshake awaits Redis after the check): ended as soon as it is connected,
   * exactly as if it had been open when the revocation arrived.
   */
  checkNewConnection(socket: GatewaySocket): void {
    if (socket.connected && this.revocations.isRevoked(socket.data.principal))
      this.terminate(socket, REVOKED);
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
   * `reconnect: false` is a server disconnect (a stock client stays away); `true` closes the
   * transport only (`transport close`: the client reconnects by itself).
   */
  private terminate(socket: GatewaySocket, data: Termination): void {
    this.emitter.toSocket(socket, 'session.terminated', {
      event: 'session.terminated',
      data,
      ts: Date.now(),
    });
    if (data.reconnect) socket.conn.close();
    else socket.disconnect(true);
  }

  /** This instance's connected sockets of `userId`. */
  private connectionsOf(userId: string): GatewaySocket[] {
    if (!this.sockets.ready) return [];
    const namespace = this.sockets.server.of('/');
    const ids = namespace.adapter.rooms.get(sessionRoom(userId));
    const connections: GatewaySocket[] = [];
    for (const id of ids ?? []) {
      const socket = namespace.sockets.get(id);
      if (socket?.connected && socket.data.principal.sub === userId) connections.push(socket);
    }
    return connections;
  }
}
