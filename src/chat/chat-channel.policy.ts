import { ChannelNamespace, type ChannelPolicy, isChannelGranted, type Principal } from '../core/index.js';
import type { ChannelName } from '@switchboard/protocol';
import { ChatMessageDataDto, ChatTypingEventDto } from './dto/chat-events.dto.js';

export const CHAT_MESSAGE_EVENT = 'chat.message';

/** `chat:{room}`: for tokens whose `channels` grant the room; history and presence. */
@ChannelNamespace({
  namespace: 'chat',
  history: true,
  presence: true,
  summary:
    'Chat rooms: a token whose `channels` grant `chat:{room}` (exactly, or by a prefix ending in `*`) may subscribe, ' +
    'send and type there.',
  events: {
    [CHAT_MESSAGE_EVENT]: {
      summary: 'A message sent to the room (chat.send, or a backend)',
      data: ChatMessageDataDto,
    },
    'chat.typing': {
      summary:
        "A member is typing (at most one per user per room per second; not to the typist's own connection)",
      data: ChatTypingEventDto,
      volatile: true,
    },
  },
})
export class ChatChannelPolicy implements ChannelPolicy {
  canSubscribe(principal: Principal, channel: ChannelName): boolean {
    return isChannelGranted(principal, channel.channel);
  }

  static channelOf(room: string): string {
    return `chat:${room}`;
  }
}
