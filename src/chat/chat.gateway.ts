import { ConnectedSocket, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { presenceUser } from '../core/connections/presence.service.js';
import { ServerEmitter } from '../core/delivery/server-emitter.js';
import { ActsOnChannel, type ChannelSelector } from '../core/connections/commands/channel.guard.js';
import { Payload } from '../core/connections/commands/command-payload.pipe.js';
import { GatewayCommands } from '../core/connections/commands/gateway-commands.decorator.js';
import { type GatewaySocket, ok } from '../core/connections/gateway-socket.js';
import { ChatChannelPolicy } from './chat-channel.policy.js';
import { ChatService } from './chat.service.js';
import { ChatSendDto, ChatTypingDto } from './dto/chat.dto.js';
import type { Ack, CommandResult } from '@switchboard/protocol';

const roomChannel: ChannelSelector = ({ room }) =>
  typeof room === 'string' ? ChatChannelPolicy.channelOf(room) : undefined;

/** Chat commands; the permission to use a room is the permission to subscribe to it. */
@WebSocketGateway()
@GatewayCommands()
export class ChatGateway {
  constructor(
    private readonly chat: ChatService,
    private readonly emitter: ServerEmitter,
  ) {}

  @SubscribeMessage('chat.send')
  @ActsOnChannel(roomChannel)
  async send(
    @ConnectedSocket() socket: GatewaySocket,
    @Payload() dto: ChatSendDto,
  ): Promise<Ack<CommandResult<'chat.send'>>> {
    return ok(await this.chat.send(socket.data.principal, dto.room, dto.text, dto.clientId));
  }

  @SubscribeMessage('chat.typing')
  @ActsOnChannel(roomChannel)
  typing(
    @ConnectedSocket() socket: GatewaySocket,
    @Payload() dto: ChatTypingDto,
  ): Ack<CommandResult<'chat.typing'>> {
    const channel = ChatChannelPolicy.channelOf(dto.room);
    const data = presenceUser(socket.data.principal);
    this.emitter.toChannel(
      channel,
      'chat.typing',
      { channel, event: 'chat.typing', data, ts: Date.now() },
      socket,
    );
    return ok({});
  }
}
