import type {
  ChannelPositionEvent,
  Publication,
  StreamPosition,
  SubscriptionRevokedEvent,
} from '@switchboard/protocol';
import { ChannelSequencer, type SubscribeAck } from './channel-sequencer.js';
import type { ClientCommands, PublicationHandler, ResyncEvent, SubscriptionEvents } from './client.types.js';
import { SwitchboardError } from './switchboard-error.js';
import { invokeSafely, TypedEmitter } from './typed-emitter.js';

/** What a subscription needs from its client. */
export interface SubscriptionLink {
  isConnected(): boolean;
  send<K extends 'subscribe' | 'unsubscribe'>(
    command: K,
    payload: ClientCommands[K]['payload'],
  ): Promise<ClientCommands[K]['result']>;
  /** The subscription ended: forget it (and report `error` when it failed). */
  release(subscription: Subscription, error?: SwitchboardError): void;
  resync(event: ResyncEvent): void;
}

const MAX_RETRY_DELAY_MS = 10_000;

/**
 * One channel subscription: runs the {@link ChannelSequencer}, holds gaps for `gapHoldMs`
 * before recovering with `subscribe { since }`, and re-syncs after every reconnect. Only the
 * answer to the latest request is applied; an older one may describe a stale position.
 */
export class Subscription<T = unknown> extends TypedEmitter<SubscriptionEvents> {
  /** Resolves with the first `subscribe` answer; rejects when the server refuses it. */
  readonly ready: Promise<SubscribeAck>;
  private readonly sequencer: ChannelSequencer;
  /** Typed by the app, checked by nobody: payloads are what the publishers sent. */
  private readonly handler: (publication: Publication) => void;
  private settleReady!: { resolve: (ack: SubscribeAck) => void; reject: (error: SwitchboardError) => void };
  private isReady = false;
  private closed = false;
  private request = 0;
  private inFlight = false;
  private failures = 0;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly channel: string,
    handler: PublicationHandler<T>,
    private readonly link: SubscriptionLink,
    private readonly gapHoldMs: number,
    since?: StreamPosition,
  ) {
    super();
    this.handler = (publication) => handler(publication as Publication<T>);
    this.sequencer = new ChannelSequencer(since);
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    // Observed here so an app that never awaits `ready` gets no unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** The last `{ offset, epoch }` handed to the handler (or the start), sent as `since`. */
  get position(): StreamPosition | undefined {
    return this.sequencer.position;
  }

  get active(): boolean {
    return !this.closed;
  }

  /** Stops delivery at once and tells the server (when connected). */
  async unsubscribe(): Promise<void> {
    if (this.closed) return;
    this.close(new SwitchboardError('CLOSED', `unsubscribed from ${this.channel}`));
    this.link.release(this);
    if (this.link.isConnected()) await this.link.send('unsubscribe', { channel: this.channel });
  }

  /** (Client) a live publication of this channel. */
  receive(publication: Publication): void {
    if (this.closed) return;
    this.deliver(this.sequencer.push(publication));
    this.watchGap();
  }

  /**
   * (Client) `channel.position`, the channel's top as stored: a lag behind it is recovered
   * like any gap (after the hold, `subscribe { since }`); another epoch is checked with the
   * server at once, which answers `recovered: false` (a resync) when the stream moved on.
   */
  observePosition(event: ChannelPositionEvent): void {
    if (this.closed || this.inFlight) return;
    if (this.sequencer.observe(event.data) === 'other-epoch') return this.sync();
    this.watchGap();
  }

  /** (Client) a volatile event of this channel, whatever its name: emitted under that name. */
  volatile(event: string, payload: unknown): void {
    if (!this.closed) (this.emit as (event: string, payload: unknown) => void)(event, payload);
  }

  /** (Client) connected or reconnected: subscribe, with `since` once a position is known. */
  sync(): void {
    if (this.closed || !this.link.isConnected()) return;
    this.clearTimers();
    const request = ++this.request;
    const position = this.sequencer.position;
    this.inFlight = true;
    this.link
      .send('subscribe', position ? { channel: this.channel, since: position } : { channel: this.channel })
      .then(
        (ack) => this.answered(request, ack),
        (error: SwitchboardError) => this.refused(request, error),
      );
  }

  /** (Client) the connection dropped: answers in flight are void, gaps wait for the reconnect. */
  suspend(): void {
    this.request++;
    this.inFlight = false;
    this.clearTimers();
  }

  /** (Client) the server dropped this subscription after a token refresh. */
  revoke(event: SubscriptionRevokedEvent): void {
    if (this.closed) return;
    this.close(new SwitchboardError('FORBIDDEN', `subscription to ${this.channel} was revoked`));
    this.emit('revoked', event);
  }

  /** (Client) the client is closing. */
  close(reason: SwitchboardError): void {
    this.closed = true;
    this.suspend();
    if (!this.isReady) this.settleReady.reject(reason);
  }

  private answered(request: number, ack: SubscribeAck): void {
    if (request !== this.request || this.closed) return;
    this.inFlight = false;
    this.failures = 0;
    const step = this.sequencer.acknowledge(ack);
    if (!this.isReady) {
      this.isReady = true;
      this.settleReady.resolve(ack);
    }
    if (step.resync) {
      const event: ResyncEvent = { channel: this.channel, ...step.resync };
      this.emit('resync', event);
      this.link.resync(event);
    }
    this.deliver(step.delivered);
    this.watchGap();
  }

  private refused(request: number, error: SwitchboardError): void {
    if (request !== this.request || this.closed) return;
    this.inFlight = false;
    if (error.transient) {
      // Rate limited after a mass resubscribe, a timeout, a broker hiccup: back off and retry.
      const delay = Math.min(this.gapHoldMs * 2 ** ++this.failures, MAX_RETRY_DELAY_MS);
      this.retryTimer = setTimeout(() => this.sync(), delay * (0.5 + Math.random() / 2));
      return;
    }
    this.close(error);
    this.emit('error', error);
    this.link.release(this, error);
  }

  private deliver(publications: readonly Publication[]): void {
    for (const publication of publications) {
      if (this.closed) return;
      invokeSafely(this.handler, publication);
    }
  }

  /** Holds a gap briefly (a late publication may still fill it), then recovers. */
  private watchGap(): void {
    if (this.closed || this.inFlight || this.retryTimer) return;
    if (!this.sequencer.hasGap) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
      return;
    }
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = undefined;
      if (this.sequencer.hasGap) this.sync();
    }, this.gapHoldMs);
  }

  private clearTimers(): void {
    clearTimeout(this.gapTimer);
    clearTimeout(this.retryTimer);
    this.gapTimer = this.retryTimer = undefined;
  }
}
