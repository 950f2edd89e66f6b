import type { ErrorCode } from './errors.js';
import type { PresenceUser, StreamPosition } from './publication.js';

/** A volatile event about one user in one channel (never stored, no offset). */
export interface UserChannelEvent<E extends string = string> {
  readonly channel: string;
  readonly event: E;
  readonly data: PresenceUser;
  readonly ts: number;
}

export type PresenceEvent = UserChannelEvent<'presence.join' | 'presence.leave'>;

export interface SessionExpiredEvent {
  readonly event: 'session.expired';
  readonly data: { readonly exp: number };
  readonly ts: number;
}

/** Why the gateway ended a session through its control API. */
export type TerminationReason = 'disconnected' | 'revoked';

export interface SessionTerminatedEvent {
  readonly event: 'session.terminated';
  /** `reconnect: false` means the server disconnects and a client should stay away. */
  readonly data: { readonly reason: TerminationReason; readonly reconnect: boolean };
  readonly ts: number;
}

export interface SubscriptionRevokedEvent {
  readonly channel: string;
  readonly event: 'subscription.revoked';
  readonly ts: number;
}

/** A channel's top as stored, sent periodically so a lost live delivery is noticed. */
export interface ChannelPositionEvent {
  readonly channel: string;
  readonly event: 'channel.position';
  readonly data: StreamPosition;
  readonly ts: number;
}

/** A failed command that was sent without an ack callback. */
export interface ExceptionEvent {
  readonly code: ErrorCode;
  readonly message: string;
  readonly event: string;
}

/**
 * Every server → client event with a fixed name, and its payload. Stored publications are
 * not here: they go out under their own `event` name with a `Publication` payload.
 *
 * Domain modules add theirs by declaration merging (see `chat.ts`), so the core never
 * names them; the gateway's emitter and the AsyncAPI document are typed by this map, so an
 * event cannot be emitted untyped or left out of the document.
 */
export interface ServerEvents {
  'presence.join': PresenceEvent;
  'presence.leave': PresenceEvent;
  'session.expired': SessionExpiredEvent;
  'session.terminated': SessionTerminatedEvent;
  'subscription.revoked': SubscriptionRevokedEvent;
  'channel.position': ChannelPositionEvent;
  exception: ExceptionEvent;
}

export type ServerEventName = keyof ServerEvents;

/** The core's volatile events (a publication may not carry their names). */
export const CORE_VOLATILE_EVENTS = [
  'presence.join',
  'presence.leave',
  'session.expired',
  'session.terminated',
  'subscription.revoked',
  'channel.position',
] as const satisfies readonly ServerEventName[];
