import { batchBody, eventJson } from './webhook-event-json.js';
import type {
  OutboxAppendResult,
  OutboxBatch,
  TimedWebhookEvent,
  WebhookOutboxStore,
} from './webhook-outbox.store.js';

const MAX_TOKENS = 1024;

export interface MemoryOutboxOptions {
  /** Queued events kept at most; beyond, the oldest are dropped (and counted). */
  readonly capacity: number;
  /** A channel without events for this long forgets its seq (memory stays bounded). */
  readonly seqTtlMs: number;
  readonly now?: () => number;
}

/**
 * The single-instance outbox: the same contract as the Redis one, in this process (events
 * queued here are lost if the process dies, as everything else of the in-memory mode).
 */
export class MemoryWebhookOutboxStore implements WebhookOutboxStore {
  readonly leaseCheckMs = Number.POSITIVE_INFINITY;
  readonly shared = false;
  private readonly queue: string[] = [];
  /** Index of the first queued event in {@link queue} (shifting an array is O(n)). */
  private head = 0;
  private inFlight?: OutboxBatch;
  /** The latest append tokens (the interface's promise; a memory append is never retried). */
  private readonly tokens = new Set<string>();
  /** Channel → its last seq and when it was last used; in least-recently-used order. */
  private readonly seqs = new Map<string, { seq: number; usedAt: number }>();

  constructor(private readonly options: MemoryOutboxOptions) {}

  append(token: string, events: readonly TimedWebhookEvent[]): Promise<OutboxAppendResult> {
    if (this.tokens.has(token)) return Promise.resolve({ dropped: 0 });
    this.tokens.add(token);
    if (this.tokens.size > MAX_TOKENS) this.tokens.delete(this.tokens.values().next().value as string);
    return Promise.resolve(this.appendNow(events));
  }

  appendNow(events: readonly TimedWebhookEvent[]): OutboxAppendResult {
    const now = this.now();
    this.forgetIdle(now);
    for (const event of events) {
      const seq = (this.seqs.get(event.channel)?.seq ?? 0) + 1;
      // Re-inserted so the map stays ordered by last use and the idle ones are at its front.
      this.seqs.delete(event.channel);
      this.seqs.set(event.channel, { seq, usedAt: now });
      this.queue.push(eventJson(event, seq));
    }
    const over = this.depthNow() - this.options.capacity;
    if (over > 0) this.head += over;
    this.compact();
    return { dropped: Math.max(0, over) };
  }

  lead(): Promise<boolean> {
    return Promise.resolve(true);
  }

  take(max: number, id: string, now: number): Promise<OutboxBatch | undefined> {
    if (!this.inFlight && this.depthNow() > 0) {
      const events = this.queue.slice(this.head, this.head + max);
      this.head += events.length;
      this.compact();
      this.inFlight = { id, body: batchBody(id, events), since: now };
    }
    return Promise.resolve(this.inFlight);
  }

  complete(id: string): Promise<void> {
    if (this.inFlight?.id === id) this.inFlight = undefined;
    return Promise.resolve();
  }

  depth(): Promise<number> {
    return Promise.resolve(this.depthNow());
  }

  release(): Promise<void> {
    return Promise.resolve();
  }

  releaseFor(): Promise<void> {
    return Promise.resolve();
  }

  private depthNow(): number {
    return this.queue.length - this.head;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private forgetIdle(now: number): void {
    for (const [channel, { usedAt }] of this.seqs) {
      if (now - usedAt < this.options.seqTtlMs) return;
      this.seqs.delete(channel);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
