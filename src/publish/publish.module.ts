import { Module, type OnModuleInit } from '@nestjs/common';
import { ChannelRegistry } from '../core/channels/channel-registry.js';
import { CoreModule } from '../core/core.module.js';
import { PublicChannelPolicy } from './public-channel.policy.js';
import { PublishController } from './publish.controller.js';
import { BatchPublishService } from './batch-publish.service.js';

@Module({ imports: [CoreModule], controllers: [PublishController], providers: [BatchPublishService] })
export class PublishModule implements OnModuleInit {
  constructor(private readonly registry: ChannelRegistry) {}

  onModuleInit(): void {
    this.registry.register(new PublicChannelPolicy());
  }
}
