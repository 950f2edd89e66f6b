import { Module } from '@nestjs/common';
import { NotificationsService } from '../notifications/notifications.service.js';
import { CoreModule } from '../core/core.module.js';
import { DevControlController } from './dev-control.controller.js';
import { DevTokenController } from './dev-token.controller.js';

/**
 * Development-only endpoints behind the demo page; AppModule leaves this module out unless
 * NODE_ENV is exactly development or test. NotificationsService is stateless, so a local instance is used
 * rather than widening the notifications module's exports for a dev helper.
 */
@Module({
  imports: [CoreModule],
  controllers: [DevTokenController, DevControlController],
  providers: [NotificationsService],
})
export class DevModule {}
