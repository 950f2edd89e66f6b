import type { AppendReceipt, AppendRequest } from './channel-log.js';

/** What one record is counted as besides its strings: the record, its map entry, its key. */
export const IDEMPOTENCY_OVERHEAD_BYTES = 200;

interface IdempotencyRecord {
  readonly receipt: AppendReceipt;
  readonly expiresAt: number;
  readonly bytes: number;
}

/**
 * The embedded log's idempotency keys: per channel (`<channel>\n<key>`), each remembering
 * only the receipt its replay answers with (position, event, the caller's short receipt),
 * never the payload, so a key costs a few hundred bytes whatever the publication's size. The
 * map is in insertion order (a key written again is re-inserted), so its first record is the
 * oldest, the one dropped first when the log is over its bytes.
 */
export class MemoryIdempotencyRecords {
  private readonly records = new Map<string, IdempotencyRecord>();
  /** What the records are counted as, towards `HISTORY_MAX_BYTES`. */
  bytes = 0;

  constructor(private readonly ttlMs: number) {}

  /** The receipt of an earlier append with the request's key to its channel, while remembered. */
  find(request: AppendRequest, now: number): AppendReceipt | undefined {
    const key = keyOf(request);
    if (key === undefined) return undefined;
    const record = this.records.get(key);
    if (!record) return undefined;
    if (record.expiresAt > now) return record.receipt;
    this.delete(key, record);
    return undefined;
  }

  remember(request: AppendRequest, receipt: AppendReceipt, now: number): void {
    const key = keyOf(request);
    if (key === undefined) return;
    const earlier = this.records.get(key);
    if (earlier) this.delete(key, earlier);
    const bytes =
      IDEMPOTENCY_OVERHEAD_BYTES +
      key.length +
      receipt.event.length +
      receipt.epoch.length +
      (receipt.receipt?.length ?? 0);
    this.records.set(key, { receipt, expiresAt: now + this.ttlMs, bytes });
    this.bytes += bytes;
  }

  /** Forgets the oldest record; false when there is none. */
  dropOldest(): boolean {
    const oldest = this.records.entries().next().value;
    if (oldest === undefined) return false;
    this.delete(oldest[0], oldest[1]);
    return true;
  }

  sweep(now: number): void {
    for (const [key, record] of this.records) if (record.expiresAt <= now) this.delete(key, record);
  }

  private delete(key: string, record: IdempotencyRecord): void {
    this.records.delete(key);
    this.bytes -= record.bytes;
  }
}

/** Channel names never contain a line feed, so the key is unambiguous. */
function keyOf({ channel, idempotencyKey }: AppendRequest): string | undefined {
  return idempotencyKey === undefined ? undefined : `${channel}\n${idempotencyKey}`;
}
