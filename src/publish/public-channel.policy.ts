import type { ChannelPolicy } from '../core/channels/channel-policy.js';

/** `public:{name}`: any authenticated user may subscribe; fed by the server publish API. */
export class PublicChannelPolicy implements ChannelPolicy {
  readonly namespace = 'public';
  readonly history = true;
  readonly presence = false;

  canSubscribe(): boolean {
    return true;
  }
}
