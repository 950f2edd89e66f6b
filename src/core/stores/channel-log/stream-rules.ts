import { randomBytes } from 'node:crypto';
import type { Publication, StreamPosition } from '@switchboard/protocol';
import type { ChannelTop, Recovery } from './publication.js';

/**
 * The rules of a channel's stream that every store follows, memory and Redis alike: how a
 * new epoch is named and when a client's position can be recovered. Pure functions, so the
 * two stores cannot drift apart.
 *
 * Lifetimes (also the same in both stores): a channel's stream (epoch and top offset) lives
 * `STREAM_TTL_SECONDS` after its last publication, its history `HISTORY_TTL_SECONDS`.
 *
 * Only a publication creates a stream (contract v3 §6: reads create nothing). A read, or a
 * `subscribe`, of a channel without a stream still answers the epoch its first publication
 * will get: the deployment's *pending epoch* P, the epoch every new stream is created with.
 * P is one random value per deployment, replaced by a new random one every
 * {@link pendingEpochLifetimeMs} (half the stream TTL): the memory log holds it and rotates
 * it itself; Redis keeps it in one key (`<prefix>epoch:pending`) created with `SET NX EX` and
 * never refreshed, read afresh whenever a stream is created or an empty channel is read.
 *
 * Why a shared P never joins two lives of one channel: a stream lost by its TTL was created
 * (with the P of that moment) at least `STREAM_TTL_SECONDS` before it expired, and P lives at
 * most half that, so P has been replaced since and the next life gets another epoch. A
 * flushed Redis loses P with the streams, and a restarted memory log draws a new one. A stream
 * the memory log forgets before its TTL (its cap of remembered streams) replaces P at once for
 * the same reason. (A Redis that evicts a stream's top under `maxmemory` is the one case this
 * does not cover when the top was created in P's current life; `volatile-ttl` evicts P, whose
 * TTL is shorter, first; see docs/scaling.md.) A reader told P for an empty channel sees the
 * same epoch in its first publication unless P rotated in between (at most once per half
 * stream TTL): then it sees another epoch and reloads, as after any new life.
 */

/** A new life of a channel's stream. */
export const newEpoch = (): string => randomBytes(6).toString('base64url');

/** How long one pending epoch is used for new streams: half the stream TTL (at least 1 s). */
export const pendingEpochLifetimeMs = (streamTtlMs: number): number =>
  Math.max(1000, Math.floor(streamTtlMs / 2000) * 1000);

/** A channel without a stream, as every read answers it: nothing yet, in the pending epoch. */
export const emptyTop = (pendingEpoch: string): ChannelTop => ({ offset: 0, epoch: pendingEpoch });

/** Whether a store can even look up publications after `since` (a stream id must parse). */
export const isReadablePosition = (since: StreamPosition): boolean =>
  Number.isSafeInteger(since.offset) && since.offset >= 0;

/**
 * Recovery from `since`, given the channel's top and the publications after `since.offset`
 * that the store still holds (oldest first). Recovered only when the epoch is the same and
 * every offset from since+1 to the top is there: history is contiguous and trimming only
 * drops the oldest, so the count and the first offset prove it. A client exactly at the
 * top recovers with nothing, however long ago the history expired.
 */
export function recoverFrom(
  top: ChannelTop,
  since: StreamPosition,
  stored: readonly Publication[],
): Recovery {
  const missing = top.offset - since.offset;
  const recovered =
    isReadablePosition(since) &&
    since.epoch === top.epoch &&
    missing >= 0 &&
    stored.length === missing &&
    (missing === 0 || stored[0]?.offset === since.offset + 1);
  return recovered ? { ...top, recovered: true, publications: stored } : { ...top, recovered: false };
}
