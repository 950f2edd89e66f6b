import { Module, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BackendCall } from './backend-call.js';
import { backendProviders } from './backend/backend.providers.js';
import { REALTIME_BACKEND } from './backend/realtime-backend.js';
import { ChannelAccess } from './channels/channel-access.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { UserChannelPolicy } from './channels/user-channel.policy.js';
import { ClusterCommands } from './cluster/cluster-commands.js';
import { ChannelGuard } from './commands/channel.guard.js';
import { CommandErrorFilter } from './commands/command-error.filter.js';
import { CommandDispatcher } from './commands/command-dispatcher.js';
import { CommandTable } from './commands/command-table.js';
import { SessionGuard } from './commands/session.guard.js';
import { ChannelControlController } from './control/channel-control.controller.js';
import { ControlService } from './control/control.service.js';
import { LocalControl } from './control/local-control.js';
import { OccupancyQueries } from './control/occupancy-queries.service.js';
import { UsersControlController } from './control/users-control.controller.js';
import { ServerEmitter } from './emitter/server-emitter.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import { PresenceService } from './presence/presence.service.js';
import { ChannelPositions } from './positions/channel-positions.js';
import { ChannelPublisher } from './publisher/channel-publisher.js';
import { LocalDelivery } from './publisher/local-delivery.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { ChannelQueries } from './rest/channel-queries.service.js';
import { ChannelsController } from './rest/channels.controller.js';
import { RevocationSync } from './revocation/revocation-sync.js';
import { SessionExpiry } from './session/session-expiry.js';
import { ShutdownDrain } from './shutdown-drain.js';
import { SocketServerRef } from './socket-server.ref.js';
import { SubscriptionsService } from './subscriptions.service.js';

/**
 * The channel core. It knows no domain: chat, notifications and publish register their
 * namespaces with {@link ChannelRegistry} and publish through {@link ChannelPublisher}.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [ChannelsController, ChannelControlController, UsersControlController],
  providers: [
    ...backendProviders,
    BackendCall,
    SocketServerRef,
    ServerEmitter,
    ChannelRegistry,
    ChannelAccess,
    ChannelPublisher,
    LocalDelivery,
    ChannelPositions,
    PresenceService,
    SubscriptionsService,
    SessionExpiry,
    CommandTable,
    CommandDispatcher,
    HandshakeMiddleware,
    ShutdownDrain,
    ChannelQueries,
    SessionGuard,
    ChannelGuard,
    CommandErrorFilter,
    RealtimeGateway,
    // The control API (occupancy, disconnect, revoke, kick).
    RevocationSync,
    LocalControl,
    ClusterCommands,
    ControlService,
    OccupancyQueries,
  ],
  exports: [
    // For the development-only admin panel of the demo page (DevModule).
    OccupancyQueries,
    ControlService,
    REALTIME_BACKEND,
    ChannelRegistry,
    ChannelAccess,
    ChannelPublisher,
    ShutdownDrain,
    ServerEmitter,
    SessionGuard,
    ChannelGuard,
    CommandErrorFilter,
  ],
})
export class RealtimeModule implements OnModuleInit {
  constructor(private readonly registry: ChannelRegistry) {}

  onModuleInit(): void {
    this.registry.register(new UserChannelPolicy());
  }
}
