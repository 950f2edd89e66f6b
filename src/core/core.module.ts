import { Module } from '@nestjs/common';
import { ChannelsModule } from './channels/channels.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { ControlModule } from './control/control.module.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { StoresModule } from './stores/stores.module.js';

/**
 * The channel core, one module per concern: stores ← channels ← delivery ← connections ←
 * control (each imports only those before it). It knows no domain: chat, notifications,
 * publish and every module a user adds declare their namespaces and commands, and the core
 * finds them. Domain code imports the core only through `core/index.ts`.
 */
@Module({
  imports: [StoresModule, ChannelsModule, DeliveryModule, ConnectionsModule, ControlModule],
  exports: [StoresModule, ChannelsModule, DeliveryModule, ConnectionsModule, ControlModule],
})
export class CoreModule {}
