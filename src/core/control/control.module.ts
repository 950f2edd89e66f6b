import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ConnectionsModule } from '../connections/connections.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ClusterCommands } from './cluster-commands.js';
import { ControlService } from './control.service.js';
import { LocalControl } from './local-control.js';

/**
 * The control API's actions (disconnect, revoke, kick) on every instance: one command
 * broadcast to all, each applying it to its own connections.
 */
@Module({
  imports: [StoresModule, ChannelsModule, DeliveryModule, ConnectionsModule],
  providers: [LocalControl, ClusterCommands, ControlService],
  exports: [ControlService],
})
export class ControlModule {}
