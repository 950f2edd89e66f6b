import { Module, type OnModuleInit } from '@nestjs/common';
import { ChannelRegistry } from '../core/channels/channel-registry.js';
import { CoreModule } from '../core/core.module.js';
import { ChatChannelPolicy } from './chat-channel.policy.js';
import { ChatController } from './chat.controller.js';
import { ChatGateway } from './chat.gateway.js';
import { ChatService } from './chat.service.js';

@Module({
  imports: [CoreModule],
  controllers: [ChatController],
  providers: [ChatService, ChatGateway],
})
export class ChatModule implements OnModuleInit {
  constructor(private readonly registry: ChannelRegistry) {}

  onModuleInit(): void {
    this.registry.register(new ChatChannelPolicy());
  }
}
