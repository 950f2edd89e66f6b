import { Logger } from '@nestjs/common';
import type { WebhookRequestBody } from '@switchboard/protocol';
import type { HookCallResult, HookHttpClient } from './hook-http.client.js';
import { HookSigner } from './hook-signer.js';
import { WakeSignal } from './wake-signal.js';
import { retryDelayMs, WEBHOOK_BACKOFF, type WebhookBackoff } from './webhook-retry.js';
import type { OutboxBatch, WebhookOutboxStore } from './webhook-outbox.store.js';

export type WebhookRequestResult = 'ok' | 'rejected' | 'timeout' | 'error';
export type WebhookDropReason = 'retry_window' | 'capacity' | 'store_unavailable' | 'shutdown';

/** For the metrics. */
export interface WebhookOutboxObserver {
  /** One attempt: a 2xx (`ok`), another status (`rejected`), no answer in time, or a network error. */
  requested?(result: WebhookRequestResult): void;
  /** A batch acknowledged: for each of its events, the time from the change to the 2xx. */
  acknowledged?(lagsSeconds: readonly number[]): void;
  dropped?(count: number, reason: WebhookDropReason): void;
}

export interface DelivererOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly retrySeconds: number;
  readonly maxBatch: number;
  /** Events that happen within this of the first one travel in its request. */
  readonly lingerMs: number;
  /** Shared store: how often the deliverer looks for events queued by other instances. */
  readonly pollMs: number;
  /** Shared store: how often an instance that is not the deliverer tries to become it. */
  readonly followerPollMs: number;
  readonly backoff?: WebhookBackoff;
}

function outcome(result: HookCallResult): WebhookRequestResult {
  if (result.kind === 'answered') return result.status >= 200 && result.status < 300 ? 'ok' : 'rejected';
  return result.reason === 'timeout' ? 'timeout' : 'error';
}

/**
 * The delivery loop: while this instance holds the store's lease, take the batch in flight
 * (or a new one), POST it until a 2xx acknowledges it or its retry window ends, then the next.
 * One batch at a time, so a channel's later events never overtake its earlier ones.
 */
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);
  private readonly signal = new WakeSignal();
  private stopped = false;
  private loop?: Promise<void>;
  /** Events appended since the deliverer last took a batch (it lingers until a full batch). */
  private appended = 0;
  private failing = false;
  /** Whether the last lease check made this instance the deliverer. */
  private lead = false;

  constructor(
    private readonly store: WebhookOutboxStore,
    private readonly http: HookHttpClient,
    private readonly options: DelivererOptions,
    private readonly observer: WebhookOutboxObserver = {},
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.notify();
    await this.loop;
  }

  /**
   * After {@link stop}, with a queue only this process holds (memory mode): nothing else will
   * deliver what is still in it (the drain's `channel.vacated` and `presence.left` among it),
   * so each batch left gets one attempt, all within one `timeoutMs`. What is not acknowledged
   * by then is dropped and counted (`shutdown`). A shared queue (Redis) outlives the process:
   * another instance, or this one restarted, delivers it.
   */
  async flushAtShutdown(): Promise<void> {
    if (this.store.shared) return;
    const until = Date.now() + this.options.timeoutMs;
    let failed = false;
    for (;;) {
      const batch = await this.store.take(this.options.maxBatch, HookSigner.newId(), Date.now());
      if (!batch) return;
      const events = eventsOf(batch);
      const left = until - Date.now();
      if (!failed && left > 0) {
        const result = await this.attempt(batch, events, left);
        if (result === undefined) continue;
        this.reportFailure(batch, result, 1);
      }
      failed = true;
      await this.store.complete(batch.id);
      this.observer.dropped?.(events.length, 'shutdown');
      this.logger.warn(
        `webhook ${batch.id} not acknowledged before shutdown: ${events.length} events dropped`,
      );
    }
  }

  /** Whether this instance delivers (held the lease when it last checked). */
  get leading(): boolean {
    return this.lead;
  }

  /** `count` events were queued (by this instance): wake the deliverer. */
  appendedEvents(count: number): void {
    this.appended += count;
    this.signal.notify();
  }

  /** Something changed elsewhere (a dead deliverer's lease was freed): look again now. */
  nudge(): void {
    this.signal.notify();
  }

  private async run(): Promise<void> {
    let storeFailing = false;
    while (!this.stopped) {
      try {
        await this.step();
        if (storeFailing) this.logger.log('webhook outbox store answers again');
        storeFailing = false;
      } catch (error) {
        // Once per outage at warn: the loop retries every `followerPollMs` until it answers.
        const line = `webhook outbox store failed (retrying): ${String(error)}`;
        if (storeFailing) this.logger.debug(line);
        else this.logger.warn(line);
        storeFailing = true;
        await this.signal.wait(this.options.followerPollMs);
      }
    }
  }

  private async step(): Promise<void> {
    if (!(await this.checkLease())) {
      await this.signal.wait(this.options.followerPollMs);
      return;
    }
    this.appended = 0;
    const batch = await this.store.take(this.options.maxBatch, HookSigner.newId(), Date.now());
    if (batch) return this.deliver(batch);
    // Nothing queued: wait for an append here, or poll for other instances' appends. (An
    // append that landed while `take` ran has counted itself already: no wake is missed.)
    if (this.appended === 0) {
      const woken = await this.signal.wait(
        this.store.shared ? this.options.pollMs : Number.POSITIVE_INFINITY,
      );
      if (this.stopped || (!woken && (await this.store.depth()) === 0)) return;
    }
    // Linger so that the changes of one burst travel together, unless a batch is full already.
    const until = Date.now() + this.options.lingerMs;
    while (!this.stopped && this.appended < this.options.maxBatch && Date.now() < until) {
      await this.signal.wait(until - Date.now());
    }
  }

  private async deliver(batch: OutboxBatch): Promise<void> {
    const events = eventsOf(batch);
    const deadline = batch.since + this.options.retrySeconds * 1000;
    for (let failures = 0; !this.stopped;) {
      if (Date.now() >= deadline) return this.drop(batch, events.length);
      // The lease is renewed before every attempt (it outlasts one attempt by construction).
      if (!(await this.checkLease())) return;
      const result = await this.attempt(batch, events, this.options.timeoutMs);
      if (result === undefined) return;
      failures += 1;
      this.reportFailure(batch, result, failures);
      const delay = Math.min(
        retryDelayMs(failures, this.options.backoff ?? WEBHOOK_BACKOFF),
        deadline - Date.now(),
      );
      if (!(await this.waitHoldingLease(delay))) return;
    }
  }

  /**
   * POSTs `batch` once; on a 2xx completes it and reports its events acknowledged (undefined),
   * else answers what went wrong.
   */
  private async attempt(
    batch: OutboxBatch,
    events: WebhookRequestBody['events'],
    timeoutMs: number,
  ): Promise<HookCallResult | undefined> {
    const result = await this.http.post({ url: this.options.url, body: batch.body, id: batch.id, timeoutMs });
    const attempt = outcome(result);
    this.observer.requested?.(attempt);
    if (attempt !== 'ok') return result;
    await this.store.complete(batch.id);
    const now = Date.now();
    this.observer.acknowledged?.(events.map((event) => Math.max(0, now - event.ts) / 1000));
    if (this.failing) this.logger.log('webhook endpoint acknowledges again');
    this.failing = false;
    return undefined;
  }

  /** Waits `ms`, renewing the lease meanwhile; `false` when stopped or the lease was lost. */
  private async waitHoldingLease(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) {
      await this.signal.wait(Math.min(until - Date.now(), this.store.leaseCheckMs));
      if (!this.stopped && Number.isFinite(this.store.leaseCheckMs) && !(await this.checkLease()))
        return false;
    }
    return !this.stopped;
  }

  private async checkLease(): Promise<boolean> {
    this.lead = await this.store.lead().catch((error: unknown) => {
      this.lead = false;
      throw error;
    });
    return this.lead;
  }

  private async drop(batch: OutboxBatch, count: number): Promise<void> {
    await this.store.complete(batch.id);
    this.observer.dropped?.(count, 'retry_window');
    this.logger.warn(
      `webhook ${batch.id} not acknowledged within WEBHOOK_RETRY_SECONDS (${this.options.retrySeconds} s): ${count} events dropped`,
    );
  }

  private reportFailure(batch: OutboxBatch, result: HookCallResult, failures: number): void {
    const why = result.kind === 'answered' ? `status ${result.status}` : `${result.reason}: ${result.error}`;
    const line = `webhook ${batch.id} attempt ${failures} failed (${why}); retrying`;
    if (this.failing) this.logger.debug(line);
    else this.logger.warn(line);
    this.failing = true;
  }
}

/** The events of a batch (for their count and times); a body that does not parse has none. */
function eventsOf(batch: OutboxBatch): WebhookRequestBody['events'] {
  try {
    const { events } = JSON.parse(batch.body) as { events?: unknown };
    return Array.isArray(events) ? (events as WebhookRequestBody['events']) : [];
  } catch {
    return [];
  }
}
