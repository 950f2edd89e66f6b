import { Module } from '@nestjs/common';
import { CoreModule } from '../core/core.module.js';
import { ChannelsController } from './channels/channels.controller.js';
import { ChannelControlController } from './control/channel-control.controller.js';
import { UsersControlController } from './control/users-control.controller.js';

/**
 * The core's own REST surface: channel reads (history, presence, occupancy) and the control
 * API (disconnect, revoke, kick). Controllers call core services; none of them sees a socket.
 */
@Module({
  imports: [CoreModule],
  controllers: [ChannelsController, ChannelControlController, UsersControlController],
})
export class RestApiModule {}
