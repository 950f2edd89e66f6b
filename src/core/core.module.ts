import { Module, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BackendCall } from './stores/backend-call.js';
import { backendProviders } from './stores/stores.providers.js';
import { STORE_BACKEND } from './stores/store-backend.js';
import { ChannelAccess } from './channels/channel-access.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { UserChannelPolicy } from './channels/user-channel.policy.js';
import { ClusterCommands } from './control/cluster-commands.js';
import { ChannelGuard } from './connections/commands/channel.guard.js';
import { CommandErrorFilter } from './connections/commands/command-error.filter.js';
import { CommandDispatcher } from './connections/commands/command-dispatcher.js';
import { CommandTable } from './connections/commands/command-table.js';
import { SessionGuard } from './connections/commands/session.guard.js';
import { ChannelControlController } from '../http/control/channel-control.controller.js';
import { ControlService } from './control/control.service.js';
import { LocalControl } from './control/local-control.js';
import { OccupancyQueries } from './channels/occupancy-queries.service.js';
import { UsersControlController } from '../http/control/users-control.controller.js';
import { ServerEmitter } from './delivery/server-emitter.js';
import { HandshakeMiddleware } from './connections/handshake.middleware.js';
import { PresenceService } from './connections/presence.service.js';
import { ChannelPositions } from './delivery/channel-positions.js';
import { ChannelPublisher } from './channels/channel-publisher.js';
import { LocalDelivery } from './delivery/local-delivery.js';
import { CoreCommandsGateway } from './connections/core-commands.gateway.js';
import { ChannelQueries } from './channels/channel-queries.service.js';
import { ChannelsController } from '../http/channels/channels.controller.js';
import { RevocationRegistry } from '../auth/revocation-registry.js';
import { RevocationSync } from './control/revocation-sync.js';
import { TokenAdmission } from '../auth/token-admission.js';
import { SessionExpiry } from './connections/session-expiry.js';
import { ShutdownDrain } from './connections/shutdown-drain.js';
import { SocketServerRef } from './delivery/socket-server.ref.js';
import { SubscriptionsService } from './connections/subscriptions.service.js';

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
    CoreCommandsGateway,
    // The control API (occupancy, disconnect, revoke, kick).
    RevocationRegistry,
    TokenAdmission,
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
    STORE_BACKEND,
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
export class CoreModule implements OnModuleInit {
  constructor(private readonly registry: ChannelRegistry) {}

  onModuleInit(): void {
    this.registry.register(new UserChannelPolicy());
  }
}
