import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal.js';
import type { CommandError } from './errors/error-code.js';
import type { Publication } from './history/publication.js';
import type { PresenceUser } from './presence/presence-store.js';

/** Every command answers through its ack in one of these two shapes (contract §5). */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: CommandError };
export type AckCallback<T = unknown> = (response: Ack<T>) => void;

/** Volatile events: never stored, no offset (contract §4). */
export interface PresenceEvent {
  channel: string;
  event: 'presence.join' | 'presence.leave' | 'chat.typing';
  data: PresenceUser;
  ts: number;
}
export interface SessionExpiredEvent {
  event: 'session.expired';
  data: { exp: number };
  ts: number;
}
export interface SubscriptionRevokedEvent {
  channel: string;
  event: 'subscription.revoked';
  ts: number;
}
export interface ExceptionEvent {
  code: CommandError['code'];
  message: string;
  event: string;
}

export type ServerEventPayload =
  Publication | PresenceEvent | SessionExpiredEvent | SubscriptionRevokedEvent | ExceptionEvent;

/**
 * Server → client, as the server emits them: publications go out under their own validated
 * event name, so the map is keyed by string and the payload is one of the contract's shapes.
 * {@link NamedServerEvents} is the precise map of the fixed event names.
 */
export interface ServerToClientEvents {
  [event: string]: (payload: ServerEventPayload) => void;
}

/** The fixed server → client events and their payloads (used by the SDK and the AsyncAPI doc). */
export interface NamedServerEvents {
  'presence.join': PresenceEvent;
  'presence.leave': PresenceEvent;
  'chat.typing': PresenceEvent;
  'session.expired': SessionExpiredEvent;
  'subscription.revoked': SubscriptionRevokedEvent;
  exception: ExceptionEvent;
}

/** Client → server commands; payloads are `unknown` until validated by the command's DTO. */
export type ClientToServerEvents = Record<string, (payload: unknown, ack?: AckCallback) => void>;

/** Per-connection state, set by the handshake middleware and kept up to date by the core. */
export interface SocketData {
  principal: Principal;
  /** Channels this connection is subscribed to, the personal channel included. */
  subscriptions: Set<string>;
}

export type GatewaySocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type GatewayServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export const VOLATILE_EVENTS = [
  'chat.typing',
  'presence.join',
  'presence.leave',
  'session.expired',
  'subscription.revoked',
] as const;

export function ok<T>(data: T): Ack<T> {
  return { ok: true, data };
}
