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
   * with it to the same channel stores nothing and answers with the first append's receipt.
   */
  readonly idempotencyKey?: string;
  /**
   * Kept with the idempotency key, for a replay's answer: what the caller answered besides the
   * position (chat: the message id). Short; the record never holds the payload, so a remembered
   * key costs a few hundred bytes whatever the publication's size.
   */
  readonly receipt?: string;
}

/** What an append assigned: all a request's answer, and its replay's, is made of. */
export interface AppendReceipt {
  readonly channel: string;
  readonly event: string;
  readonly offset: number;
  readonly epoch: string;
  readonly ts: number;
  /** {@link AppendRequest.receipt}, as the first append gave it. */
  readonly receipt?: string;
}

/**
 * A new publication, or the receipt of the earlier append whose idempotency key matched
 * (`duplicate`: nothing stored, no payload).
 */
export type AppendResult =
  | (AppendReceipt & { readonly duplicate: false; readonly publication: Publication })
  | (AppendReceipt & { readonly duplicate: true });

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
  /**
   * The channel's top. Reads create nothing (contract v3 §6): a channel without a stream
   * answers offset 0 and the epoch its first publication will get (see stream-rules.ts).
   */
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
