import type { ChannelTop, HistoryPage, Recovery } from './publication.js';
import type { Publication, StreamPosition } from '@switchboard/protocol';

export interface AppendRequest {
  readonly channel: string;
  readonly event: string;
  readonly data: unknown;
  /** Keep the publication for recovery and REST history (the namespace policy decides). */
  readonly keep: boolean;
  /**
   * Safe retries: while this key is remembered (`IDEMPOTENCY_TTL_SECONDS`), appending again
   * with it to the same channel stores nothing and returns the first append's publication.
   */
  readonly idempotencyKey?: string;
}

export interface AppendResult {
  readonly publication: Publication;
  /** True when {@link AppendRequest.idempotencyKey} matched an earlier append. */
  readonly duplicate: boolean;
}

/** One append of a batch: each succeeds or fails on its own. */
export type AppendOutcome =
  { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

/** `json`: the publication as stored JSON, when the log has it (the Redis feed), to send as is. */
export type PublicationListener = (publication: Publication, json?: string) => void;

/**
 * The per-channel log: offsets, epochs, bounded history and the delivery feed.
 *
 * `append` is one atomic step: it assigns the next offset, stores the publication and hands
 * it to the delivery feed of every instance, so offsets are contiguous and every instance
 * sees a channel's publications in offset order. Implementations must never read the top
 * and write the next offset in two steps.
 */
export interface ChannelLog {
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Many appends at once, each one atomic and independent of the others; appends to one
   * channel happen in array order. Outcomes in array order. (Redis: one round trip per node.)
   */
  appendBatch(requests: readonly AppendRequest[]): Promise<AppendOutcome[]>;
  /** The channel's top; starts the channel's epoch if it has none yet. */
  top(channel: string): Promise<ChannelTop>;
  /**
   * The tops of many channels at once, in order (`undefined` where a read failed), like
   * {@link top} each (Redis: one round trip per node). For `channel.position`.
   */
  tops(channels: readonly string[]): Promise<(ChannelTop | undefined)[]>;
  /** Publications with offsets above `since`, oldest first, at most `limit`. */
  read(channel: string, since: number, limit: number): Promise<HistoryPage>;
  /** Everything after `position` if it is all still in history in the same epoch. */
  recover(channel: string, position: StreamPosition): Promise<Recovery>;
  /** Every instance's local delivery: called for each publication, in offset order per channel. */
  onPublication(listener: PublicationListener): void;
  /**
   * For logs whose feed is per channel (Redis): start receiving `channel`'s publications on
   * this instance. Resolves once every later append is certain to reach `onPublication`, so
   * the caller must await it before reading the top. Called after a local socket joined the
   * channel's room; a log without it feeds every channel.
   */
  watch?(channel: string): Promise<void>;
  /** This instance's room of `channel` became empty: its feed is no longer needed here. */
  unwatch?(channel: string): void;
}

export const CHANNEL_LOG = Symbol('ChannelLog');
