import type { Principal } from '../../auth/principal.js';
import type { ChannelName } from '@switchboard/protocol';

/**
 * What one channel namespace allows. Domain modules register one per namespace they own;
 * the core consults it for every subscription, history and presence read.
 */
export interface ChannelPolicy {
  readonly namespace: string;
  /** Keeps publications in history (offsets, recovery). */
  readonly history: boolean;
  /** Tracks who is subscribed and announces joins and leaves. */
  readonly presence: boolean;
  canSubscribe(principal: Principal, channel: ChannelName): boolean;
}
