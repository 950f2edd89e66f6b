import type { WebhookEventType } from '@switchboard/protocol';
import type { ChangeJournal } from '../core/stores/channel-changes/channel-change-sink.js';

/** A change as the core reports it to the outbox (contract §8). */
export interface WebhookEventInput {
  readonly type: WebhookEventType;
  readonly channel: string;
  /** presence.joined / presence.left */
  readonly userId?: string;
  readonly name?: string;
}

/** An event with the time it happened, before the store gives it its `seq`. */
export interface TimedWebhookEvent extends WebhookEventInput {
  readonly ts: number;
}

/** One request's worth of events, fixed when first taken so every retry sends the same. */
export interface OutboxBatch {
  /** The `webhook-id`, also the body's `id`. */
  readonly id: string;
  /** The request body exactly as first sent: `{ "id", "events": [...] }`. */
  readonly body: string;
  /** When the batch was first taken (ms since the epoch): its retry window runs from here. */
  readonly since: number;
}

export interface OutboxAppendResult {
  /** Queued events removed to stay within the store's capacity (oldest first). */
  readonly dropped: number;
}

/**
 * The webhook outbox's storage: one queue of events for the whole deployment, in the order
 * their seqs were assigned, and at most one batch in flight.
 *
 * Ordering: there is one queue and one batch in flight at a time, delivered by one deliverer
 * (the lease holder), so a channel's events leave in seq order and a later batch is only
 * taken after the earlier one was acknowledged (or dropped). This holds the whole queue back
 * while a request fails, which is the simplest arrangement that keeps every channel's order
 * when one channel's events are produced by several instances.
 *
 * Failure contract: every method either happens entirely or not at all. `append` with a token
 * it already applied applies nothing (a retry after a lost answer never queues twice).
 */
export interface WebhookOutboxStore {
  /**
   * Gives each event its channel's next `seq` (cluster-wide: starting at 1, growing by exactly
   * 1; a channel without events for the store's seq TTL starts again at 1) and queues it, in
   * array order, atomically. Over capacity, the oldest queued events are dropped.
   */
  append(token: string, events: readonly TimedWebhookEvent[]): Promise<OutboxAppendResult>;
  /**
   * In-process stores: {@link append} done now, synchronously, so a change takes its seq in the
   * tick it happened in.
   */
  appendNow?(events: readonly TimedWebhookEvent[]): OutboxAppendResult;
  /**
   * Redis: where the scripts that decide a transition append it themselves (one Redis only;
   * the core knows whether its scripts may reach this queue's slot).
   */
  readonly journal?: ChangeJournal;
  /**
   * Whether this instance is the deliverer now (takes or renews the lease; memory: always).
   * Call it at least every {@link leaseCheckMs} while delivering.
   */
  lead(): Promise<boolean>;
  /** How often a deliverer must call {@link lead} to keep the lease. */
  readonly leaseCheckMs: number;
  /** Whether events may be queued by other instances (the deliverer polls for them). */
  readonly shared: boolean;
  /**
   * The batch in flight if there is one; else a new batch `id` of up to `max` oldest queued
   * events, removed from the queue, taken at `now`. `undefined`: nothing queued, or this
   * instance is not the deliverer.
   */
  take(max: number, id: string, now: number): Promise<OutboxBatch | undefined>;
  /** Ends the batch in flight if it is `id` (acknowledged, or dropped); else does nothing. */
  complete(id: string): Promise<void>;
  /** Queued events, not counting the batch in flight. */
  depth(): Promise<number>;
  /** Gives the lease up (shutdown), so another instance delivers at once. */
  release(): Promise<void>;
  /** Another instance died: its lease, if it held it, is freed now rather than on expiry. */
  releaseFor(ownerId: string): Promise<void>;
}
