import { Injectable, Logger } from '@nestjs/common';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import type { ClusterCommand } from './cluster-command.js';
import { ConnectionLifecycle } from '../connections/connection-lifecycle.js';
import { RevocationRegistry } from '../../auth/revocation-registry.js';
import { SubscriptionsService } from '../connections/subscriptions.service.js';

/**
 * What a control command does on this instance, to this instance's connections only; every
 * instance runs it (see `ClusterCommands`) and answers how many connections it affected.
 */
@Injectable()
export class LocalControl {
  private readonly logger = new Logger(LocalControl.name);

  constructor(
    private readonly lifecycle: ConnectionLifecycle,
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

  private async run(command: ClusterCommand): Promise<number> {
    switch (command.kind) {
      case 'disconnect': {
        const connections = this.lifecycle.connectionsOf(command.userId);
        for (const socket of connections) {
          this.lifecycle.terminate(socket, { reason: 'disconnected', reconnect: command.reconnect });
        }
        return connections.length;
      }
      case 'revoke':
        // The cache first: a handshake completing from now on is refused, or ended at once.
        this.revocations.record(command.userId, { before: command.before, until: command.until });
        return this.lifecycle.enforceRevocation(command.userId);
      case 'lift':
        this.revocations.lift(command.userId);
        return 0;
      case 'kick': {
        const channel = this.registry.resolve(command.channel);
        const kicked = await Promise.all(
          this.lifecycle
            .connectionsOf(command.userId)
            .map((socket) => this.subscriptions.revoke(socket, channel)),
        );
        return kicked.filter(Boolean).length;
      }
    }
  }
}
