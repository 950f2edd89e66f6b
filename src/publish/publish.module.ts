import { Module } from '@nestjs/common';
import { CoreModule } from '../core/index.js';
import { BatchPublishService } from './batch-publish.service.js';
import { PublicChannelPolicy } from './public-channel.policy.js';
import { PublishController } from './publish.controller.js';

/** The generic server publish API (any known channel) and the `public` namespace. */
@Module({
  imports: [CoreModule],
  controllers: [PublishController],
  providers: [PublicChannelPolicy, BatchPublishService],
})
export class PublishModule {}
