import {
  ActsOnChannel,
  Caller,
  type ChannelSelector,
  Command,
  type CommandCaller,
  CommandGateway,
  ModuleState,
  type ModuleStateScope,
  ok,
  Payload,
  VolatileEvents,
} from '../core/index.js';
import type { Ack, CommandResult } from '@switchboard/protocol';
import { ChatChannelPolicy } from './chat-channel.policy.js';
import { ChatService } from './chat.service.js';
import { ChatSendDto, ChatSentDto, ChatTypingDto, EmptyReplyDto } from './dto/chat.dto.js';

const roomChannel: ChannelSelector = ({ room }) =>
  typeof room === 'string' ? ChatChannelPolicy.channelOf(room) : undefined;

/** How often one user's typing in one room reaches the others, cluster-wide. */
const TYPING_INTERVAL_MS = 1_000;

/** Chat commands; the permission to use a room is the permission to subscribe to it. */
@CommandGateway()
export class ChatGateway {
  private readonly state: ModuleStateScope;

  constructor(
    private readonly chat: ChatService,
    private readonly events: VolatileEvents,
    moduleState: ModuleState,
  ) {
    this.state = moduleState.scope('chat');
  }

  @Command('chat.send', { summary: 'Send a message to a chat room', reply: ChatSentDto })
  @ActsOnChannel(roomChannel)
  async send(
    @Caller() caller: CommandCaller,
    @Payload() dto: ChatSendDto,
  ): Promise<Ack<CommandResult<'chat.send'>>> {
    return ok(await this.chat.send(caller.principal, dto.room, dto.text, dto.clientId));
  }

  /**
   * Fans out at most one `chat.typing` per user per room per second, on every instance
   * together (one claim in module state with a 1 s TTL): one user's ten tabs typing at once
   * cost the room one event a second. The rest are acknowledged and dropped.
   */
  @Command('chat.typing', { summary: 'Tell the room you are typing', reply: EmptyReplyDto })
  @ActsOnChannel(roomChannel)
  async typing(
    @Caller() { principal, connectionId }: CommandCaller,
    @Payload() dto: ChatTypingDto,
  ): Promise<Ack<CommandResult<'chat.typing'>>> {
    const first = await this.state
      .setIfAbsent(`typing:${dto.room}:${principal.sub}`, 1, { ttlMs: TYPING_INTERVAL_MS })
      // A typing indicator is best effort: while the store is unreachable (counted as a broker
      // error) it is dropped, like one over the limit, rather than failing the command.
      .catch(() => false);
    if (!first) return ok({});
    const channel = ChatChannelPolicy.channelOf(dto.room);
    const data =
      principal.name === undefined
        ? { userId: principal.sub }
        : { userId: principal.sub, name: principal.name };
    this.events.toChannel(
      channel,
      'chat.typing',
      { channel, event: 'chat.typing', data, ts: Date.now() },
      connectionId,
    );
    return ok({});
  }
}
