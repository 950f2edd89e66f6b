import { io, type Socket, type SocketOptions } from 'socket.io-client';
import type { ErrorCode } from '@switchboard/protocol';
import type { StreamPosition } from '@switchboard/protocol';
import { ChatCommands, type CommandOptions } from './chat-commands.js';
import type {
  ClientCommands,
  ClientEvents,
  CommandName,
  ConnectionState,
  PresenceUser,
  PublicationHandler,
  PublicationHandlers,
  SwitchboardClientOptions,
  TransportName,
} from './client.types.js';
import { CommandSender } from './command-sender.js';
import { routeServerEvent, type RouteTargets } from './server-event-router.js';
import { Subscription, type SubscriptionLink } from './subscription.js';
import { SwitchboardError } from './switchboard-error.js';
import { TokenKeeper } from './token-keeper.js';
import { TokenRefresher } from './token-refresher.js';
import { TypedEmitter } from './typed-emitter.js';

export const CLIENT_DEFAULTS = { commandTimeoutMs: 10_000, gapHoldMs: 250, refreshMarginMs: 30_000 } as const;

/**
 * The Switchboard client: a stock socket.io-client socket plus the contract's guarantees made
 * effortless — ordered, de-duplicated, recovering subscriptions; token refresh; typed commands.
 * Reconnection is Socket.IO's own (exponential backoff with jitter, see `docs/client.md`).
 */
export class SwitchboardClient extends TypedEmitter<ClientEvents> {
  /** The underlying socket.io-client socket, for anything the SDK does not wrap. */
  readonly socket: Socket;
  /** `chat.send` (with a generated `clientId` and safe retries) and `chat.typing`. */
  readonly chat = new ChatCommands((command, payload, options) => this.request(command, payload, options));
  private readonly commands: CommandSender;
  private readonly tokens: TokenKeeper;
  private readonly refresher: TokenRefresher;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly gapHoldMs: number;
  private connects = 0;
  private closed = false;
  /** Whether the handshake in progress offers a cached token (worth one retry if refused). */
  private offeredCached = false;

  constructor(url: string, options: SwitchboardClientOptions) {
    super();
    const { token, commandTimeoutMs, gapHoldMs, refreshMarginMs, auth, autoConnect, ...socketOptions } = {
      ...CLIENT_DEFAULTS,
      ...options,
    };
    this.gapHoldMs = gapHoldMs;
    this.tokens = new TokenKeeper(typeof token === 'string' ? () => token : token, refreshMarginMs);
    this.socket = io(url, {
      forceNew: true,
      ...socketOptions,
      autoConnect: false,
      auth: (cb) => this.handshakeAuth(auth, cb),
    });
    this.commands = new CommandSender(this.socket, commandTimeoutMs);
    this.refresher = new TokenRefresher(
      this.tokens,
      {
        send: (fresh) => this.request('auth.refresh', { token: fresh }),
        refreshed: (result) => this.emit('token.refreshed', result),
        failed: (error) => this.emit('token.error', error),
      },
      refreshMarginMs,
    );
    this.wire();
    if (autoConnect !== false) this.connect().catch(() => undefined);
  }

  get state(): ConnectionState {
    const transport = this.socket.connected ? this.socket.io.engine?.transport?.name : undefined;
    return {
      connected: this.socket.connected,
      ...(transport !== undefined && { transport: transport as TransportName }),
      reconnects: Math.max(0, this.connects - 1),
    };
  }

  /** Connects (again); resolves when connected, rejects when the handshake is refused for good. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new SwitchboardError('CLOSED', 'the client is closed'));
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offConnect = this.once('connect', () => {
        offError();
        resolve();
      });
      const offError = this.on('connect_error', (error) => {
        if (error.willRetry) return;
        offConnect();
        offError();
        reject(error);
      });
      this.socket.connect();
    });
  }

  /**
   * Delivers the channel's publications exactly once each, in offset order, to `handler`, or
   * to the handler of their event name in a {@link PublicationHandlers} map (typed by the
   * protocol's `PublicationEvents`). `since`: a position the app already holds (e.g. after
   * loading REST history).
   */
  subscribe<T = unknown>(
    channel: string,
    handler: PublicationHandler<T> | PublicationHandlers,
    options: { since?: StreamPosition } = {},
  ): Subscription<T> {
    if (this.closed) throw new SwitchboardError('CLOSED', 'the client is closed');
    if (this.subscriptions.has(channel)) {
      throw new SwitchboardError('BAD_REQUEST', `already subscribed to ${channel}; unsubscribe first`);
    }
    const deliver: PublicationHandler<T> = typeof handler === 'function' ? handler : byEventName(handler);
    const subscription = new Subscription<T>(channel, deliver, this.link, this.gapHoldMs, options.since);
    this.subscriptions.set(channel, subscription);
    subscription.sync();
    return subscription;
  }

  subscription(channel: string): Subscription<unknown> | undefined {
    return this.subscriptions.get(channel);
  }

  async presence(channel: string, options?: CommandOptions): Promise<PresenceUser[]> {
    return (await this.request('presence', { channel }, options)).users;
  }

  /** Any command of the contract, typed; rejects with a {@link SwitchboardError}. */
  request<K extends CommandName>(
    command: K,
    payload: ClientCommands[K]['payload'],
    options: CommandOptions = {},
  ): Promise<ClientCommands[K]['result']> {
    if (this.closed)
      return Promise.reject(new SwitchboardError('CLOSED', 'the client is closed', { command }));
    return this.commands.send(command, payload, options.timeoutMs);
  }

  /**
   * Closes the connection and ends every subscription. Resolves once the transport has
   * closed (over long-polling, after the close packet's request completes).
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.refresher.stop();
    for (const subscription of this.subscriptions.values()) {
      subscription.close(new SwitchboardError('CLOSED', 'the client is closed'));
    }
    this.subscriptions.clear();
    const engine = this.socket.io.engine as
      { readyState?: string; once(event: 'close', fn: () => void): void } | undefined;
    const transportClosed =
      engine && engine.readyState !== 'closed'
        ? new Promise<void>((resolve) => engine.once('close', () => resolve()))
        : Promise.resolve();
    this.socket.close();
    this.removeAllListeners();
    return transportClosed;
  }

  private readonly link: SubscriptionLink = {
    isConnected: () => this.socket.connected,
    send: (command, payload) => this.commands.send(command, payload),
    release: (subscription, error) => {
      if (this.subscriptions.get(subscription.channel) === subscription) {
        this.subscriptions.delete(subscription.channel);
      }
      if (error) this.emit('subscription.error', { channel: subscription.channel, error });
    },
    resync: (event) => this.emit('resync', event),
  };

  private readonly routes: RouteTargets = {
    subscription: (channel) => this.subscriptions.get(channel),
    sessionExpired: (event) => {
      this.tokens.invalidate();
      this.emit('session.expired', event);
    },
    // The server disconnects right after this event. With `reconnect: false` that is a server
    // disconnect, after which socket.io-client does not reconnect, and neither does the SDK:
    // nothing here calls `connect()`. A revoked token is never offered again.
    sessionTerminated: (event) => {
      if (event.data.reason === 'revoked') this.tokens.invalidate();
      this.emit('session.terminated', event);
    },
    revoked: (event, subscription) => {
      if (subscription) this.subscriptions.delete(subscription.channel);
      subscription?.revoke(event);
      this.emit('subscription.revoked', event);
    },
    exception: (event) => this.emit('exception', event),
  };

  private handshakeAuth(extra: SocketOptions['auth'] | undefined, cb: (data: object) => void): void {
    const base = typeof extra === 'object' ? extra : {};
    this.offeredCached = this.tokens.current !== undefined;
    this.tokens.forHandshake().then(
      (token) => cb({ ...base, token }),
      (error: unknown) => {
        this.emit('token.error', new SwitchboardError('UNAUTHORIZED', `getToken() failed: ${String(error)}`));
        cb(base);
      },
    );
  }

  private wire(): void {
    this.socket.on('connect', () => {
      this.connects++;
      this.refresher.start();
      for (const subscription of this.subscriptions.values()) subscription.sync();
      this.emit('connect', this.state);
    });
    this.socket.on('disconnect', (reason) => {
      this.refresher.stop();
      for (const subscription of this.subscriptions.values()) subscription.suspend();
      this.emit('disconnect', { reason, willReconnect: this.socket.active });
    });
    this.socket.on('connect_error', (error) => this.connectFailed(error));
    this.socket.io.on('reconnect_attempt', (attempt) => this.emit('reconnect_attempt', { attempt }));
    this.socket.io.on('open', () => {
      this.socket.io.engine.on('upgrade', (transport: { name: string }) =>
        this.emit('transport', { name: transport.name as TransportName }),
      );
    });
    this.socket.onAny((event: string, payload: unknown) => routeServerEvent(event, payload, this.routes));
  }

  private connectFailed(error: Error): void {
    const data = (error as Error & { data?: { code?: unknown; reason?: unknown } }).data;
    if (typeof data?.code !== 'string') {
      const willRetry = this.socket.active;
      return this.emit(
        'connect_error',
        new SwitchboardError('CONNECTION_FAILED', error.message, { command: 'connect', willRetry }),
      );
    }
    const reason = typeof data.reason === 'string' ? data.reason : error.message;
    if (data.code === 'UNAUTHORIZED') {
      this.tokens.invalidate();
      // A cached token may have been refused because the server's secret changed: one more
      // try with a freshly fetched token before giving up.
      if (this.offeredCached && !this.closed) {
        this.offeredCached = false;
        this.socket.connect();
        return;
      }
      this.emit('unauthorized', { reason });
    }
    this.emit('connect_error', new SwitchboardError(data.code as ErrorCode, reason, { command: 'connect' }));
  }
}

/** One handler for every publication, calling the map's handler of its event (else `'*'`). */
function byEventName<T>(handlers: PublicationHandlers): PublicationHandler<T> {
  const table = handlers as Record<string, PublicationHandler<T> | undefined>;
  return (publication) => (table[publication.event] ?? table['*'])?.(publication);
}
