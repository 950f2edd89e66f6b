import { Logger } from '@nestjs/common';
import type { PublicationListener } from './channel-log.js';
import type { RedisClient } from '../redis/lua-script.js';
import { parsePublication } from './publication-json.js';
import type { RedisEvents } from '../redis/redis-events.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import { withTimeout } from '../redis/with-timeout.js';

const RESUBSCRIBE_RETRY_MS = 1000;
const WATCHED: Promise<void> = Promise.resolve();

/**
 * This instance's end of the channel feeds: one Pub/Sub channel per watched channel (sharded
 * Pub/Sub in a cluster, so a channel's feed lives on the node that runs its append script).
 * Messages of one feed arrive on one connection in the order Redis published them, and
 * listeners are called synchronously per message, so local delivery keeps offset order.
 *
 * A channel is watched while this instance has a socket in its room. `watch` resolves once
 * Redis has confirmed the subscription: a caller that then reads the channel's top sees
 * every later publication live. The subscriber reconnects and resubscribes by itself.
 */
export class RedisPublicationFeed {
  private readonly logger = new Logger(RedisPublicationFeed.name);
  private readonly listeners: PublicationListener[] = [];
  private readonly watched = new Map<string, Promise<void>>();

  constructor(
    private readonly subscriber: RedisClient,
    private readonly keys: RedisKeys,
    private readonly sharded: boolean,
    private readonly timeoutMs: number,
    private readonly events: RedisEvents = {},
  ) {
    subscriber.on(sharded ? 'smessage' : 'message', (_feed: string, message: string) =>
      this.receive(message),
    );
    // A cluster client resubscribes its shard channels itself; a single Redis client is
    // told not to, so that a failed resubscribe is ours to handle (and retry on next ready).
    if (!sharded) subscriber.on('ready', () => this.resubscribe());
  }

  onPublication(listener: PublicationListener): void {
    this.listeners.push(listener);
  }

  watch(channel: string): Promise<void> {
    const current = this.watched.get(channel);
    if (current) return current;
    const feed = this.keys.channel(channel).feed;
    const command = this.sharded ? this.subscriber.ssubscribe(feed) : this.subscriber.subscribe(feed);
    const subscribed: Promise<void> = withTimeout(command, this.timeoutMs, `subscribe ${feed}`).then(
      () => {
        // Confirmed: one shared settled promise from now on, not this one and its callbacks
        // (every connection's personal channel is watched: heap per connection).
        if (this.watched.get(channel) === subscribed) this.watched.set(channel, WATCHED);
      },
      (error: unknown) => {
        // A failed watch is forgotten so the next subscriber of the channel tries again.
        if (this.watched.get(channel) === subscribed) this.watched.delete(channel);
        throw error;
      },
    );
    this.watched.set(channel, subscribed);
    return subscribed;
  }

  /** Called when this instance's room of the channel became empty. */
  unwatch(channel: string): void {
    if (!this.watched.delete(channel)) return;
    const feed = this.keys.channel(channel).feed;
    const command = this.sharded ? this.subscriber.sunsubscribe(feed) : this.subscriber.unsubscribe(feed);
    // A feed left subscribed only delivers to an empty room: harmless, so just note it.
    command.catch((error: unknown) => this.logger.debug(`unsubscribe ${feed} failed: ${String(error)}`));
  }

  private resubscribe(): void {
    const feeds = [...this.watched.keys()].map((channel) => this.keys.channel(channel).feed);
    if (feeds.length === 0) return;
    this.subscriber.subscribe(...feeds).catch((error: unknown) => {
      this.logger.warn(`resubscribing ${feeds.length} feeds failed: ${String(error)}`);
      // Still connected (a timeout, not a drop): try again, or these channels stay silent
      // here for good. After a drop, the next `ready` resubscribes anyway.
      if (this.subscriber.status !== 'ready') return;
      setTimeout(() => this.resubscribe(), RESUBSCRIBE_RETRY_MS).unref();
    });
  }

  private receive(message: string): void {
    let publication;
    try {
      publication = parsePublication(message);
    } catch (error) {
      this.logger.warn(`ignored a malformed feed message: ${String(error)}`);
      return;
    }
    this.events.feedReceived?.(publication.ts);
    for (const listener of this.listeners) {
      try {
        listener(publication, message);
      } catch (error) {
        this.logger.error(`publication listener failed on ${publication.channel}: ${String(error)}`);
      }
    }
  }
}
