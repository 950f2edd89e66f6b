import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { BackendCall } from '../stores/backend-call.js';
import { ChannelAccess } from '../channels/channel-access.js';
import type { ResolvedChannel } from '../channels/channel-registry.js';
import { channelRoom } from '../delivery/channel-room.js';
import { UserChannelPolicy } from '../channels/user-channel.policy.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import { GatewayError } from '../errors/gateway.error.js';
import { CHANNEL_LOG, type ChannelLog } from '../stores/channel-log/channel-log.js';
import type { ChannelTop, Recovery } from '../stores/channel-log/publication.js';
import { OCCUPANCY_STORE, type OccupancyStore } from '../stores/occupancy/occupancy-store.js';
import { PresenceService } from './presence.service.js';
import type { GatewaySocket } from './gateway-socket.js';
import { ErrorCode, type StreamPosition, type SubscribeAnswer } from '@switchboard/protocol';
import { ServerEmitter } from '../delivery/server-emitter.js';
import { SubscribeOutcomes } from './subscribe-outcomes.js';

/** A connection's channel subscriptions: rooms, limits, presence and recovery. */
@Injectable()
export class SubscriptionsService {
  private readonly logger = new Logger(SubscriptionsService.name);
  /** Per connection and channel, the tail of its subscription commands (see {@link inOrder}). */
  private readonly chains = new WeakMap<GatewaySocket, Map<string, Promise<void>>>();
  private readonly outcomes: SubscribeOutcomes;

  constructor(
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly presence: PresenceService,
    private readonly access: ChannelAccess,
    private readonly registry: ChannelRegistry,
    private readonly backend: BackendCall,
    private readonly metrics: GatewayMetrics,
    private readonly config: AppConfig,
    private readonly emitter: ServerEmitter,
    @Inject(OCCUPANCY_STORE) private readonly occupancy: OccupancyStore,
  ) {
    this.outcomes = new SubscribeOutcomes(metrics);
  }

  /** The personal channel, joined during the handshake; it does not count against the limit. */
  async joinPersonal(socket: GatewaySocket): Promise<void> {
    const channel = UserChannelPolicy.channelOf(socket.data.principal.sub);
    await socket.join(channelRoom(channel));
    try {
      await this.watch(channel);
      await this.occupy(socket, channel);
      // A client that left meanwhile is dropped by Socket.IO without a `disconnect`, so
      // nothing else would ever unwatch the channel for it.
      if (socket.conn.readyState !== 'open') throw new Error('the client left during the handshake');
    } catch (error) {
      await socket.leave(channelRoom(channel));
      this.unwatchIfUnused(socket, channel);
      this.vacate(socket, channel);
      throw error;
    }
    socket.data.subscriptions.add(channel);
    this.metrics.subscriptions.inc();
  }

  subscribe(
    socket: GatewaySocket,
    channel: ResolvedChannel,
    since?: StreamPosition,
  ): Promise<SubscribeAnswer> {
    return this.inOrder(socket, channel.channel, () => this.subscribeNow(socket, channel, since));
  }

  unsubscribe(socket: GatewaySocket, channel: ResolvedChannel): Promise<void> {
    return this.inOrder(socket, channel.channel, () => this.unsubscribeNow(socket, channel));
  }

  private async subscribeNow(
    socket: GatewaySocket,
    channel: ResolvedChannel,
    since?: StreamPosition,
  ): Promise<SubscribeAnswer> {
    const { subscriptions, principal } = socket.data;
    const name = channel.channel;
    // A command queued behind another one of this channel may start after the disconnect:
    // joining a room then would leave the gone socket in it.
    this.stillConnected(socket);
    const isNew = !subscriptions.has(name);
    if (isNew && this.countedSubscriptions(socket) >= this.config.maxSubscriptions) {
      throw new GatewayError(
        ErrorCode.LimitExceeded,
        `at most ${this.config.maxSubscriptions} subscriptions per connection`,
      );
    }
    // The slot is taken before the first await, so parallel subscribes to other channels
    // see it. Join before reading the top or history: a publication landing in between is
    // then delivered live (maybe also in `publications`, with the same offset), never lost.
    if (isNew) {
      subscriptions.add(name);
      this.metrics.subscriptions.inc();
      await socket.join(channelRoom(name));
    }
    let entered = false;
    try {
      if (isNew) await this.watch(name);
      const result = since
        ? await this.backend.run('recover', () => this.log.recover(name, since))
        : await this.backend.run('top', () => this.log.top(name));
      // Occupancy before presence, and presence out before occupancy (`unsubscribeNow`,
      // `releaseAll`): a channel is occupied before its first user joins and vacated after its
      // last one left (the order their webhook events take).
      if (isNew) {
        this.stillConnected(socket);
        await this.occupy(socket, name);
      }
      if (isNew && channel.presence) {
        this.stillConnected(socket);
        await this.presence.enter(name, principal, socket.id);
        entered = true;
      }
      // A disconnect during the writes found no occupancy or presence to remove yet: undone below.
      if (isNew) this.stillConnected(socket);
      this.outcomes.accepted(channel.namespace, since, result);
      return answerOf(name, result);
    } catch (error) {
      if (isNew) await this.undoSubscribe(socket, name, entered);
      throw error;
    }
  }

  /**
   * Takes back what a new subscription took: the slot, room and feed, and the presence entry
   * when one was written. The disconnect's {@link releaseAll} may have run during an await of
   * the subscribe, after which nothing else would ever remove what the subscribe took next
   * (a user present forever, a feed watched forever).
   */
  private async undoSubscribe(socket: GatewaySocket, name: string, entered: boolean): Promise<void> {
    this.drop(socket, name);
    try {
      if (entered) await this.presence.leave(name, socket.data.principal, socket.id);
    } catch (error) {
      this.logger.warn(`presence leave of ${name} failed after a subscribe was undone: ${String(error)}`);
    } finally {
      this.vacate(socket, name);
    }
  }

  /**
   * Socket.IO marks a socket disconnected and runs its `disconnect` listeners (so
   * {@link releaseAll}) synchronously, so after any await a subscribe that finds the socket
   * disconnected knows that the cleanup has run without what it is about to take.
   */
  private stillConnected(socket: GatewaySocket): void {
    if (!socket.connected) throw GatewayError.internal('the connection closed during the subscribe');
  }

  private async unsubscribeNow(socket: GatewaySocket, channel: ResolvedChannel): Promise<void> {
    if (!socket.data.subscriptions.has(channel.channel)) return;
    this.drop(socket, channel.channel);
    try {
      if (channel.presence) await this.presence.leave(channel.channel, socket.data.principal, socket.id);
    } finally {
      this.vacate(socket, channel.channel);
    }
  }

  /** After a token refresh: drops what the new token no longer allows. */
  async revokeDisallowed(socket: GatewaySocket): Promise<void> {
    for (const name of [...socket.data.subscriptions]) {
      const channel = this.registry.resolve(name);
      if (!(await this.access.allows(socket.data.principal, channel))) await this.revoke(socket, channel);
    }
  }

  /**
   * Ends a subscription the server takes away (token refresh, a kick) and tells the client
   * with `subscription.revoked`. Returns whether the connection held it. The client may
   * subscribe again if its token allows.
   */
  revoke(socket: GatewaySocket, channel: ResolvedChannel): Promise<boolean> {
    return this.inOrder(socket, channel.channel, async () => {
      if (!socket.data.subscriptions.has(channel.channel)) return false;
      await this.unsubscribeNow(socket, channel);
      this.emitter.toSocket(socket, 'subscription.revoked', {
        channel: channel.channel,
        event: 'subscription.revoked',
        ts: Date.now(),
      });
      return true;
    });
  }

  /** On disconnect: the rooms go with the socket; presence and the gauge are ours to settle. */
  async releaseAll(socket: GatewaySocket): Promise<void> {
    const names = [...socket.data.subscriptions];
    socket.data.subscriptions.clear();
    this.metrics.subscriptions.dec(names.length);
    for (const name of names) this.unwatchIfUnused(socket, name);
    const present = new Set(names.filter((name) => this.registry.resolve(name).presence));
    for (const name of names) if (!present.has(name)) this.vacate(socket, name);
    for (const name of present) {
      try {
        await this.presence.leave(name, socket.data.principal, socket.id);
      } catch (error) {
        this.logger.warn(`presence leave of ${name} failed on disconnect: ${String(error)}`);
      } finally {
        this.vacate(socket, name);
      }
    }
  }

  /**
   * Runs a connection's subscription commands for one channel one after another, in the
   * order they arrived: an `unsubscribe` sent right after a `subscribe` must not run while the
   * subscribe still awaits its room join or feed, and a repeated `subscribe` must not answer
   * before the first one's feed is confirmed.
   */
  private inOrder<T>(socket: GatewaySocket, name: string, task: () => Promise<T>): Promise<T> {
    let chains = this.chains.get(socket);
    if (!chains) this.chains.set(socket, (chains = new Map<string, Promise<void>>()));
    const run = (chains.get(name) ?? Promise.resolve()).then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    chains.set(name, settled);
    void settled.then(() => {
      if (chains.get(name) === settled) chains.delete(name);
      // An idle connection keeps no map (heap per connection).
      if (chains.size === 0 && this.chains.get(socket) === chains) this.chains.delete(socket);
    });
    return run;
  }

  /**
   * Idempotent: after {@link releaseAll} it only leaves the room and feed a late join took. The
   * occupancy is the caller's to {@link vacate}, after the presence leave.
   */
  private drop(socket: GatewaySocket, name: string): void {
    if (socket.data.subscriptions.delete(name)) this.metrics.subscriptions.dec();
    void socket.leave(channelRoom(name));
    this.unwatchIfUnused(socket, name);
  }

  /** Counts the subscription in the channel's occupancy (`GET /api/v1/channels`). */
  private occupy(socket: GatewaySocket, name: string): Promise<void> {
    const { sub } = socket.data.principal;
    return this.backend.run('occupancy.add', () => this.occupancy.add(name, sub, socket.id));
  }

  /** Takes the subscription out of the occupancy; a failure is retried by the store (Redis). */
  private vacate(socket: GatewaySocket, name: string): void {
    this.occupancy.remove(name, socket.data.principal.sub, socket.id).catch((error: unknown) => {
      this.metrics.brokerErrors.inc({ operation: 'occupancy.remove' });
      this.logger.warn(`occupancy removal of ${name} failed: ${String(error)}`);
    });
  }

  /**
   * With a per-channel feed (Redis), this instance receives a channel's publications only
   * while it watches it. Called after joining the room (so a concurrent last leave of the
   * room cannot unwatch it under us) and awaited before the top is read (so every later
   * publication arrives live).
   */
  private watch(name: string): Promise<void> {
    const watch = this.log.watch?.bind(this.log);
    return watch ? this.backend.run('watch', () => watch(name)) : Promise.resolve();
  }

  /** The room is local to this instance: once it is empty, the feed is not needed here. */
  private unwatchIfUnused(socket: GatewaySocket, name: string): void {
    if (!socket.nsp.adapter.rooms.has(channelRoom(name))) this.log.unwatch?.(name);
  }

  private countedSubscriptions(socket: GatewaySocket): number {
    const personal = UserChannelPolicy.channelOf(socket.data.principal.sub);
    return socket.data.subscriptions.size - (socket.data.subscriptions.has(personal) ? 1 : 0);
  }
}

/**
 * The `subscribe` answer: the channel and its top, and with `since` whether it recovered and
 * what. Written out field by field: an object spread followed by more fields takes V8's slow
 * generic copy, measured at 2 µs a call on this path.
 */
function answerOf(channel: string, result: ChannelTop | Recovery): SubscribeAnswer {
  const { offset, epoch } = result;
  if (!('recovered' in result)) return { channel, offset, epoch };
  return result.recovered
    ? { channel, offset, epoch, recovered: true, publications: result.publications }
    : { channel, offset, epoch, recovered: false };
}
