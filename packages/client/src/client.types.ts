import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type {
  ChatTypingEvent,
  ExceptionEvent,
  PresenceEvent,
  PublicationEvents,
  ServerEvents,
  PresenceUser,
  Publication,
  SessionExpiredEvent,
  SessionTerminatedEvent,
  StreamPosition,
  SubscriptionRevokedEvent,
} from '@switchboard/protocol';
import type { Resync, SubscribeAck } from './channel-sequencer.js';
import type { SwitchboardError } from './switchboard-error.js';
import type { TokenProvider } from './token-keeper.js';

export type {
  Publication,
  StreamPosition,
  PresenceUser,
  PresenceEvent,
  SessionExpiredEvent,
  SessionTerminatedEvent,
  ChatTypingEvent,
};
export type { SubscriptionRevokedEvent, ExceptionEvent, SubscribeAck };

export type { ClientCommands, CommandName } from '@switchboard/protocol';

export type TransportName = 'websocket' | 'polling' | 'webtransport';

/**
 * Everything `io(url, options)` accepts passes through (transports, path, extraHeaders,
 * reconnection, reconnectionDelay, reconnectionDelayMax, randomizationFactor, …), plus:
 */
export interface SwitchboardClientOptions extends Partial<ManagerOptions & SocketOptions> {
  /** A token, or a provider called at connect and again before the token's `exp`. */
  token: string | TokenProvider;
  /** How long a command waits for its answer (default 10 000 ms). */
  commandTimeoutMs?: number;
  /** How long out-of-order or gapped live publications are held before recovery (default 250 ms). */
  gapHoldMs?: number;
  /** How long before `exp` a new token is fetched and sent with `auth.refresh` (default 30 000 ms). */
  refreshMarginMs?: number;
}

export interface ResyncEvent extends Resync {
  readonly channel: string;
}

export interface ConnectionState {
  readonly connected: boolean;
  /** The transport in use now; `undefined` while disconnected. */
  readonly transport?: TransportName;
  /** Successful connections after the first one. */
  readonly reconnects: number;
}

/** Events of {@link SwitchboardClient}. */
export interface ClientEvents {
  connect: ConnectionState;
  disconnect: { reason: string; willReconnect: boolean };
  /** The transport changed (the upgrade from polling to WebSocket). */
  transport: { name: TransportName };
  /** Socket.IO schedules reconnection attempt number `attempt` (its own backoff and jitter). */
  reconnect_attempt: { attempt: number };
  /** The handshake was refused (`UNAUTHORIZED`, `LIMIT_EXCEEDED`, …) or the transport failed. */
  connect_error: SwitchboardError;
  /** The handshake was refused with `UNAUTHORIZED`: the token provider must produce a valid token. */
  unauthorized: { reason: string };
  /** The token expired without refresh; the server closed the connection. Call `connect()` again. */
  'session.expired': SessionExpiredEvent;
  /**
   * The server ended the session through its control API (reason `disconnected` or
   * `revoked`). With `reconnect: false` the client stays disconnected until `connect()` is
   * called again (after a revocation, with a token issued since); with `true` it reconnects
   * by itself.
   */
  'session.terminated': SessionTerminatedEvent;
  'token.refreshed': { exp?: number };
  /** Fetching or sending a fresh token failed; retried until the token expires. */
  'token.error': SwitchboardError;
  /** Recovery could not fill a gap on `channel`: the app must reload that channel's state. */
  resync: ResyncEvent;
  'subscription.revoked': SubscriptionRevokedEvent;
  /** A subscription failed for good (e.g. `FORBIDDEN` after a token refresh) and was dropped. */
  'subscription.error': { channel: string; error: SwitchboardError };
  /** A command sent without an answer callback failed on the server. */
  exception: ExceptionEvent;
}

/**
 * The volatile events a channel's subscribers receive, by name: every `ServerEvents` entry
 * whose payload names a channel (presence, `chat.typing`, and any a module declares in
 * `@switchboard/protocol/modules/<name>`), except the two the SDK handles itself.
 */
export type ChannelVolatileEvents = {
  [
    E in keyof ServerEvents as ServerEvents[E] extends { readonly channel: string }
      ? E extends 'subscription.revoked' | 'channel.position'
        ? never
        : E
      : never
  ]: ServerEvents[E];
};

/** Events of one {@link Subscription}: its own, and the channel's volatile events by name. */
export interface SubscriptionEvents extends ChannelVolatileEvents {
  resync: ResyncEvent;
  revoked: SubscriptionRevokedEvent;
  error: SwitchboardError;
}

export type PublicationHandler<T = unknown> = (publication: Publication<T>) => void;

/**
 * Handlers by event name, typed by the protocol's `PublicationEvents` (a module's event
 * types arrive by importing `@switchboard/protocol/modules/<name>`); `'*'` takes every other
 * publication. Each is still called once per publication, in offset order across them all.
 */
export type PublicationHandlers = {
  [E in keyof PublicationEvents]?: (publication: Publication<PublicationEvents[E]>) => void;
} & { '*'?: PublicationHandler };
