import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { WebhookEventType } from '@switchboard/protocol';
import type { HookHttpClient } from './hook-http.client.js';
import { WakeSignal } from './wake-signal.js';
import { type DelivererOptions, WebhookDeliverer, type WebhookOutboxObserver } from './webhook-deliverer.js';
import type { TimedWebhookEvent, WebhookOutboxStore } from './webhook-outbox.store.js';

/** A change of one channel, as the core reports it (the channel is the first argument). */
export interface WebhookChange {
  readonly type: WebhookEventType;
  /** presence.joined / presence.left: the user (and display name, if the token has one). */
  readonly userId?: string;
  readonly name?: string;
}

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
 * The webhook outbox the core feeds: `enqueue` is synchronous and never fails (the core calls
 * it where an occupancy or presence transition happened); the change is timestamped now,
 * handed to the store (which gives it its per-channel `seq`) in call order, and delivered by
 * {@link WebhookDeliverer}. While the store is unreachable, changes wait here and their
 * append is retried with the same token, so a retry after a lost answer never queues twice.
 */
export class WebhookOutbox {
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

  enqueue(channel: string, change: WebhookChange): void {
    if (this.stopped || !this.wants(change.type)) return;
    if (this.unappended.length >= this.options.maxUnappended) {
      this.observer.dropped?.(1, 'capacity');
      return;
    }
    const { type, userId, name } = change;
    this.unappended.push({ type, channel, userId, name, ts: Date.now() });
    // Appended on the next turn, so that a burst of one turn is one store call.
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
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
   * An instance died (phase 2: from the liveness sweep, with its member id): if it was the
   * deliverer, the lease is freed now and this instance may take over at once, resuming the
   * batch it had in flight.
   */
  async onInstanceDead(ownerId: string): Promise<void> {
    await this.store.releaseFor(ownerId);
    this.deliverer.nudge();
  }

  /** Stops delivering, gives the lease up, and hands what is still here to the store once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.retryWait.notify();
    await this.deliverer.stop();
    await this.flushing;
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

/** What the core calls: the outbox, or {@link DISABLED_WEBHOOKS} when `WEBHOOK_URL` is unset. */
export type WebhookSink = Pick<WebhookOutbox, 'wants' | 'enqueue' | 'onInstanceDead'>;

export const DISABLED_WEBHOOKS: WebhookSink = {
  wants: () => false,
  enqueue: () => undefined,
  onInstanceDead: () => Promise.resolve(),
};
