import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ChannelsModule } from '../channels/channels.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ChannelGuard } from './commands/channel.guard.js';
import { CommandDispatcher } from './commands/command-dispatcher.js';
import { CommandErrorFilter } from './commands/command-error.filter.js';
import { CommandTable } from './commands/command-table.js';
import { SessionGuard } from './commands/session.guard.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { CoreCommandsGateway } from './core-commands.gateway.js';
import { RevocationSync } from './revocation-sync.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import { PresenceService } from './presence.service.js';
import { SessionExpiry } from './session-expiry.js';
import { ShutdownDrain } from './shutdown-drain.js';
import { SubscriptionsService } from './subscriptions.service.js';

/**
 * Connections from handshake to disconnect: admission (token, revocation, connection slots),
 * subscriptions with their presence and occupancy, session expiry, the drain on SIGTERM, and
 * the commands every connection may send (dispatch, guards, validation, the core commands).
 */
@Module({
  imports: [StoresModule, ChannelsModule, DeliveryModule, DiscoveryModule],
  providers: [
    PresenceService,
    SubscriptionsService,
    SessionExpiry,
    HandshakeMiddleware,
    ConnectionLifecycle,
    RevocationSync,
    ShutdownDrain,
    CommandTable,
    CommandDispatcher,
    SessionGuard,
    ChannelGuard,
    CommandErrorFilter,
    CoreCommandsGateway,
  ],
  exports: [
    ConnectionLifecycle,
    SubscriptionsService,
    ShutdownDrain,
    CommandTable,
    SessionGuard,
    ChannelGuard,
    CommandErrorFilter,
  ],
})
export class ConnectionsModule {}
