import { Module } from '@nestjs/common';
import { CoreModule } from '../core/index.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';

/** Publishes into the core's personal `user:` channels; it owns no namespace of its own. */
@Module({
  imports: [CoreModule],
  controllers: [NotificationsController],
  providers: [NotificationsService],
})
export class NotificationsModule {}
