import type { ChangeJournal } from '../core/stores/channel-changes/channel-change-sink.js';
import type { RedisClient } from '../core/stores/redis/lua-script.js';
import type { RedisKeys } from '../core/stores/redis/redis-keys.js';
import { batchBodyHead, eventJsonTail } from './webhook-event-json.js';
import {
  APPEND_SCRIPT,
  COMPLETE_SCRIPT,
  LEAD_SCRIPT,
  RELEASE_SCRIPT,
  TAKE_SCRIPT,
} from './webhook-outbox.scripts.js';
import type {
  OutboxAppendResult,
  OutboxBatch,
  TimedWebhookEvent,
  WebhookOutboxStore,
} from './webhook-outbox.store.js';

export interface RedisOutboxOptions {
  /** This instance's id in the lease: its liveness member id, so a sweep frees it (`releaseFor`). */
  readonly ownerId: string;
  /** Queued events kept at most; beyond, the oldest are dropped (and counted). */
  readonly capacity: number;
  /** A channel without events for this long forgets its seq (Redis stays bounded). */
  readonly seqTtlSeconds: number;
  /**
   * A deliverer that stops renewing (killed) hands over after this. Longer than one request
   * (WEBHOOK_TIMEOUT_MS), so a live deliverer never loses it in the middle of an attempt.
   */
  readonly leaseMs: number;
}

/** How long an append token is remembered: far longer than any retry of one append. */
const TOKEN_TTL_SECONDS = 600;

/**
 * The outbox shared by every instance, in Redis, so that events outlive the instance that
 * produced them: whoever holds the lease delivers the whole deployment's queue, and when it
 * dies, its lease expires (or `releaseFor` frees it at once) and another instance resumes
 * from the same batch in flight, with the same `webhook-id` and body.
 *
 * All keys share the hash tag `{hooks}`: a cluster puts them in one slot, so seq assignment,
 * queueing, taking and completing a batch are each one script. Webhook events are channel
 * transitions, orders of magnitude rarer than publications, so one slot carries them easily.
 *
 * With one Redis, the core's scripts that decide a transition append to this queue themselves
 * ({@link journal}), in the same atomic step; with a cluster they cannot (the queue is on
 * another slot) and the outbox appends right after them.
 */
export class RedisWebhookOutboxStore implements WebhookOutboxStore {
  readonly shared = true;
  readonly leaseCheckMs: number;
  readonly journal: ChangeJournal;
  private readonly base: string;

  constructor(
    private readonly redis: RedisClient,
    keys: RedisKeys,
    private readonly options: RedisOutboxOptions,
  ) {
    this.base = `${keys.prefix}{hooks}:webhook`;
    this.leaseCheckMs = Math.floor(options.leaseMs / 3);
    this.journal = {
      keys: (channel) => [this.queue, this.seqKey(channel)],
      capacity: options.capacity,
      seqTtlSeconds: options.seqTtlSeconds,
      tail: (channel, type, ts) => eventJsonTail({ type, channel, ts }),
    };
  }

  private get queue(): string {
    return `${this.base}:queue`;
  }
  private get batch(): string {
    return `${this.base}:batch`;
  }
  private get lease(): string {
    return `${this.base}:lease`;
  }
  private seqKey(channel: string): string {
    return `${this.base}:seq:${channel}`;
  }

  async append(token: string, events: readonly TimedWebhookEvent[]): Promise<OutboxAppendResult> {
    if (events.length === 0) return { dropped: 0 };
    const reply = await APPEND_SCRIPT.run(
      this.redis,
      [this.queue, `${this.base}:applied:${token}`, ...events.map((event) => this.seqKey(event.channel))],
      [this.options.capacity, this.options.seqTtlSeconds, TOKEN_TTL_SECONDS, ...events.map(eventJsonTail)],
    );
    return { dropped: Math.max(0, Number(reply)) };
  }

  async lead(): Promise<boolean> {
    const reply = await LEAD_SCRIPT.run(
      this.redis,
      [this.lease],
      [this.options.ownerId, this.options.leaseMs],
    );
    return Number(reply) === 1;
  }

  async take(max: number, id: string, now: number): Promise<OutboxBatch | undefined> {
    const reply = await TAKE_SCRIPT.run(
      this.redis,
      [this.lease, this.batch, this.queue],
      [this.options.ownerId, max, id, now, batchBodyHead(id)],
    );
    if (!Array.isArray(reply)) return undefined;
    const [batchId, body, since] = reply as [string, string, string];
    return { id: String(batchId), body: String(body), since: Number(since) };
  }

  async complete(id: string): Promise<void> {
    await COMPLETE_SCRIPT.run(this.redis, [this.batch], [id]);
  }

  depth(): Promise<number> {
    return this.redis.llen(this.queue);
  }

  async release(): Promise<void> {
    await this.releaseFor(this.options.ownerId);
  }

  async releaseFor(ownerId: string): Promise<void> {
    await RELEASE_SCRIPT.run(this.redis, [this.lease], [ownerId]);
  }
}
