import type { Principal } from '../../auth/principal.js';
import type { ChannelPolicy } from './channel-policy.js';
import type { ChannelName } from '@switchboard/protocol';

/**
 * `user:{id}`: the personal channel every connection joins on connect (contract §3). It is
 * part of the core because the connection lifecycle depends on it; notifications publish to it.
 */
export class UserChannelPolicy implements ChannelPolicy {
  readonly namespace = 'user';
  readonly history = true;
  readonly presence = false;

  canSubscribe(principal: Principal, channel: ChannelName): boolean {
    return channel.name === principal.sub;
  }

  static channelOf(userId: string): string {
    return `user:${userId}`;
  }
}
