import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { WebhookEventType } from '@switchboard/protocol';
import type {
  ChangeJournal,
  ChannelChange,
  ChannelChangeSink,
} from '../core/stores/channel-changes/channel-change-sink.js';
import type { HookHttpClient } from './hook-http.client.js';
import { WakeSignal } from './wake-signal.js';
import { type DelivererOptions, WebhookDeliverer, type WebhookOutboxObserver } from './webhook-deliverer.js';
import type { TimedWebhookEvent, WebhookOutboxStore } from './webhook-outbox.store.js';

export interface WebhookOutboxOptions extends DelivererOptions {
  /** `WEBHOOK_EVENTS`: the other types are not produced at all (they take no seq). */
  readonly events: ReadonlySet<WebhookEventType>;
  /** Changes waiting for the store (Redis unreachable) kept at most; beyond, dropped and counted. */
  readonly maxUnappended: number;
}

/** Contract §8 defaults for what the environment does not set. */
export const OUTBOX_DEFAULTS = {
  maxBatch: 100,
  lingerMs: 50,
  pollMs: 100,
  followerPollMs: 1_000,
  maxUnappended: 10_000,
} as const;

/**
 * The webhook outbox, the core's {@link ChannelChangeSink}: the occupancy and presence stores
 * report each transition they decide, and {@link WebhookDeliverer} delivers them.
 *
 * - In memory, `enqueue` appends at once: the change takes its `seq` in the tick it happened.
 * - With one Redis, the stores' scripts append the change themselves through {@link journal}
 *   and only tell the outbox ({@link appended}), which wakes the deliverer.
 * - With a Redis Cluster, `enqueue` timestamps the change now and hands it to the store in call
 *   order on the next turn (a burst of one turn is one store call). While the store is
 *   unreachable, changes wait here and their append is retried with the same token, so a retry
 *   after a lost answer never queues twice.
 */
export class WebhookOutbox implements ChannelChangeSink {
  private readonly logger = new Logger(WebhookOutbox.name);
  private readonly deliverer: WebhookDeliverer;
  private readonly retryWait = new WakeSignal();
  private unappended: TimedWebhookEvent[] = [];
  private flushing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: WebhookOutboxStore,
    http: HookHttpClient,
    private readonly options: WebhookOutboxOptions,
    private readonly observer: WebhookOutboxObserver = {},
  ) {
    this.deliverer = new WebhookDeliverer(store, http, options, observer);
  }

  /** Starts delivering (with Redis: competing for the lease with the other instances). */
  start(): void {
    this.deliverer.start();
  }

  /** Whether `type` is produced at all (`WEBHOOK_EVENTS`); the core may skip work otherwise. */
  wants(type: WebhookEventType): boolean {
    return this.options.events.has(type);
  }

  /** With one Redis: where the core's scripts append what they decide. */
  get journal(): ChangeJournal | undefined {
    return this.store.journal;
  }

  enqueue(channel: string, change: ChannelChange): void {
    if (this.stopped || !this.wants(change.type)) return;
    const { type, userId, name } = change;
    const event = { type, channel, userId, name, ts: Date.now() };
    if (this.store.appendNow && this.unappended.length === 0) {
      this.appended(1, this.store.appendNow([event]).dropped);
      return;
    }
    if (this.unappended.length >= this.options.maxUnappended) {
      this.observer.dropped?.(1, 'capacity');
      return;
    }
    this.unappended.push(event);
    // Appended on the next turn, so that a burst of one turn is one store call.
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  appended(count: number, dropped: number): void {
    if (dropped > 0) this.observer.dropped?.(dropped, 'capacity');
    this.deliverer.appendedEvents(count);
  }

  /**
   * Events waiting for delivery: the store's queue if this instance delivers it (with Redis the
   * queue is shared, so only its deliverer reports it and a sum over instances is the total),
   * plus the changes not handed to the store yet.
   */
  async depth(): Promise<number> {
    return (this.deliverer.leading ? await this.store.depth() : 0) + this.unappended.length;
  }

  /**
   * An instance died (the liveness sweep, with its member id): if it was the deliverer, the
   * lease is freed now and this instance may take over at once, resuming the batch it had in
   * flight.
   */
  async onInstanceDead(ownerId: string): Promise<void> {
    await this.store.releaseFor(ownerId);
    this.deliverer.nudge();
  }

  /**
   * Stops delivering, gives the lease up, and hands what is still here to the store once; in
   * memory mode, what is still queued gets one last attempt (nothing else would deliver it).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.retryWait.notify();
    await this.deliverer.stop();
    await this.flushing;
    await this.deliverer.flushAtShutdown();
    await this.store
      .release()
      .catch((error: unknown) => this.logger.warn(`lease not released: ${String(error)}`));
  }

  private async flush(): Promise<void> {
    try {
      while (this.unappended.length > 0) {
        const events = this.unappended.slice(0, this.options.maxBatch);
        if (!(await this.append(events))) return;
        this.unappended = this.unappended.slice(events.length);
        this.deliverer.appendedEvents(events.length);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Appends `events` once, retrying the same token until it lands; `false`: stopped first. */
  private async append(events: readonly TimedWebhookEvent[]): Promise<boolean> {
    const token = randomUUID();
    for (let failures = 0; ; failures++) {
      try {
        const { dropped } = await this.store.append(token, events);
        if (dropped > 0) this.observer.dropped?.(dropped, 'capacity');
        if (failures > 0) this.logger.log('webhook events are queued again');
        return true;
      } catch (error) {
        if (failures === 0) this.logger.warn(`webhook events not queued yet (retrying): ${String(error)}`);
        if (this.stopped) {
          this.observer.dropped?.(this.unappended.length, 'store_unavailable');
          this.unappended = [];
          return false;
        }
        await this.retryWait.wait(Math.min(100 * 2 ** failures, 5_000));
      }
    }
  }
}

/** The sink when `WEBHOOK_URL` is unset: it wants nothing, so the stores do nothing more. */
export const DISABLED_WEBHOOKS: ChannelChangeSink = {
  wants: () => false,
  enqueue: () => undefined,
  appended: () => undefined,
  onInstanceDead: () => Promise.resolve(),
};
