import { Module } from '@nestjs/common';
import { CoreModule } from '../core/index.js';
import { ChatChannelPolicy } from './chat-channel.policy.js';
import { ChatController } from './chat.controller.js';
import { ChatGateway } from './chat.gateway.js';
import { ChatService } from './chat.service.js';

/** The `chat` namespace: its policy, `chat.send` and `chat.typing`, and the REST system message. */
@Module({
  imports: [CoreModule],
  controllers: [ChatController],
  providers: [ChatChannelPolicy, ChatService, ChatGateway],
})
export class ChatModule {}
