import type { Principal } from '../../auth/principal.js';
import type { ChannelPolicy, NamespaceDeclaration } from './channel-policy.js';
import type { ChannelName } from '@switchboard/protocol';

/**
 * `user:{id}`: the personal channel every connection joins on connect (contract §3). It is
 * part of the core because the connection lifecycle depends on it; notifications publish to it.
 */
export class UserChannelPolicy implements ChannelPolicy {
  static readonly declaration: NamespaceDeclaration = {
    namespace: 'user',
    history: true,
    presence: false,
    summary:
      "A user's personal channel: every connection of the user is subscribed to it from the handshake on; " +
      'only that user (or role admin) may subscribe. Notifications and anything a backend addresses to one user.',
  };

  canSubscribe(principal: Principal, channel: ChannelName): boolean {
    return channel.name === principal.sub;
  }

  static channelOf(userId: string): string {
    return personalChannel(userId);
  }
}

/** The personal channel of `userId`: `user:{userId}`. */
export function personalChannel(userId: string): string {
  return `user:${userId}`;
}
