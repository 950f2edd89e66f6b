import { isChannelGranted, type Principal } from '../auth/principal.js';
import type { ChannelPolicy } from '../core/channels/channel-policy.js';
import type { ChannelName } from '@switchboard/protocol';

/** `chat:{room}`: for tokens whose `channels` grant the room; history and presence. */
export class ChatChannelPolicy implements ChannelPolicy {
  readonly namespace = 'chat';
  readonly history = true;
  readonly presence = true;

  canSubscribe(principal: Principal, channel: ChannelName): boolean {
    return isChannelGranted(principal, channel.channel);
  }

  static channelOf(room: string): string {
    return `chat:${room}`;
  }
}
