import { Module, type OnModuleInit } from '@nestjs/common';
import { BackendCall } from './backend-call.js';
import { backendProviders } from './backend/backend.providers.js';
import { REALTIME_BACKEND } from './backend/realtime-backend.js';
import { ChannelAccess } from './channels/channel-access.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { UserChannelPolicy } from './channels/user-channel.policy.js';
import { ChannelGuard } from './commands/channel.guard.js';
import { CommandErrorFilter } from './commands/command-error.filter.js';
import { CommandGate } from './commands/command-gate.js';
import { CommandMetricsInterceptor } from './commands/command-metrics.interceptor.js';
import { SessionGuard } from './commands/session.guard.js';
import { ServerEmitter } from './emitter/server-emitter.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import { PresenceService } from './presence/presence.service.js';
import { ChannelPositions } from './positions/channel-positions.js';
import { ChannelPublisher } from './publisher/channel-publisher.js';
import { LocalDelivery } from './publisher/local-delivery.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { ChannelQueries } from './rest/channel-queries.service.js';
import { ChannelsController } from './rest/channels.controller.js';
import { SessionExpiry } from './session/session-expiry.js';
import { ShutdownDrain } from './shutdown-drain.js';
import { SocketServerRef } from './socket-server.ref.js';
import { SubscriptionsService } from './subscriptions.service.js';

/**
 * The channel core. It knows no domain: chat, notifications and publish register their
 * namespaces with {@link ChannelRegistry} and publish through {@link ChannelPublisher}.
 */
@Module({
  controllers: [ChannelsController],
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
    CommandGate,
    HandshakeMiddleware,
    ShutdownDrain,
    ChannelQueries,
    SessionGuard,
    ChannelGuard,
    CommandErrorFilter,
    CommandMetricsInterceptor,
    RealtimeGateway,
  ],
  exports: [
    REALTIME_BACKEND,
    ChannelRegistry,
    ChannelAccess,
    ChannelPublisher,
    ShutdownDrain,
    ServerEmitter,
    SessionGuard,
    ChannelGuard,
    CommandErrorFilter,
    CommandMetricsInterceptor,
  ],
})
export class RealtimeModule implements OnModuleInit {
  constructor(private readonly registry: ChannelRegistry) {}

  onModuleInit(): void {
    this.registry.register(new UserChannelPolicy());
  }
}
