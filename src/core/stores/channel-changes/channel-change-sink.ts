import type { WebhookEventType } from '@switchboard/protocol';

/** A transition the occupancy or presence store decided, as webhooks report it (contract §8). */
export type ChannelChangeType = WebhookEventType;

/** One change of one channel (the channel travels beside it). */
export interface ChannelChange {
  readonly type: ChannelChangeType;
  /** presence.joined / presence.left: the user, and its display name if its token has one. */
  readonly userId?: string;
  readonly name?: string;
}

/**
 * Where a change is appended inside the Redis script that decides it, so that the transition
 * and its place in the queue are one atomic step (see `JOURNAL_LUA`). Only with one Redis: a
 * Redis Cluster cannot run a script over the channel's slot and the queue's.
 */
export interface ChangeJournal {
  /** The KEYS the script appends with: the queue, and the channel's seq counter. */
  keys(channel: string): readonly [queue: string, seq: string];
  /** Queued changes kept at most; beyond, the oldest are dropped (and reported). */
  readonly capacity: number;
  /** A channel without changes for this long forgets its seq counter. */
  readonly seqTtlSeconds: number;
  /**
   * The change's JSON after `{"seq":<n>,`, without any user: a presence script merges the
   * user's stored JSON into it (`JOURNAL_LUA`).
   */
  tail(channel: string, type: ChannelChangeType, ts: number): string;
}

/**
 * The core's port for what follows a channel's transitions (the hooks module's webhook outbox
 * provides it; the core never imports it). The occupancy and presence stores report each
 * transition they decide, exactly once cluster-wide, to this sink:
 * - in memory, in the same tick as the transition;
 * - with one Redis, inside the script that decides it, through {@link journal};
 * - with a Redis Cluster, right after that script ({@link enqueue}): instances that report
 *   transitions of one channel a moment apart may then be appended in either order.
 *
 * Optional: without it (no `WEBHOOK_URL`), or for the types it does not want, the stores run
 * exactly as they would without it (no extra key, argument or call).
 */
export interface ChannelChangeSink {
  /** Whether `type` is wanted at all; asked once, when the stores are built. */
  wants(type: ChannelChangeType): boolean;
  /** A change decided now, appended in call order. Never throws. */
  enqueue(channel: string, change: ChannelChange): void;
  /** One Redis: the journal the deciding scripts append to; `undefined`: they do not. */
  readonly journal?: ChangeJournal;
  /** Deciding scripts appended `count` changes themselves; `dropped` older ones left the queue. */
  appended(count: number, dropped: number): void;
  /** The liveness sweep removed the entries of a dead instance (its liveness member id). */
  onInstanceDead(memberId: string): Promise<void>;
}

/** Injection token of the optional {@link ChannelChangeSink}. */
export const CHANNEL_CHANGE_SINK = Symbol('ChannelChangeSink');
