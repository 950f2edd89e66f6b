import { randomBytes } from 'node:crypto';
import type { Publication, StreamPosition } from '@switchboard/protocol';
import type { ChannelTop, Recovery } from './publication.js';

/**
 * The rules of a channel's stream that every store follows, memory and Redis alike: how a
 * new epoch is named and when a client's position can be recovered. Pure functions, so the
 * two stores cannot drift apart.
 *
 * Lifetimes (also the same in both stores): a channel's stream (epoch and top offset) lives
 * `STREAM_TTL_SECONDS` after its last publication, its history `HISTORY_TTL_SECONDS`. An empty
 * channel's stream (created by a read, so that the top already names the epoch its first
 * publication will carry) lives `STREAM_TTL_SECONDS` after its last read.
 */

/** A new life of a channel's stream. */
export const newEpoch = (): string => randomBytes(6).toString('base64url');

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
