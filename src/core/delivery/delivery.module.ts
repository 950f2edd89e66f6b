import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ChannelPositions } from './channel-positions.js';
import { LocalDelivery } from './local-delivery.js';
import { ServerEmitter } from './server-emitter.js';
import { SocketServerRef } from './socket-server.ref.js';
import { VolatileEvents } from './volatile-events.js';

/**
 * Everything that leaves for the clients: the log's feed emitted to this instance's
 * subscribers, the periodic `channel.position`, and the one emitter every server → client
 * event goes through.
 */
@Module({
  imports: [StoresModule, ChannelsModule],
  providers: [SocketServerRef, ServerEmitter, VolatileEvents, LocalDelivery, ChannelPositions],
  exports: [SocketServerRef, ServerEmitter, VolatileEvents],
})
export class DeliveryModule {}
