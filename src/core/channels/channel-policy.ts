import type { Principal } from '../../auth/principal.js';
import type { ChannelName } from '@switchboard/protocol';

/** A class whose instances are a payload's shape: a class-validator DTO, read for the docs. */
export type PayloadClass = abstract new (...args: never[]) => object;

/** One event a namespace's channels carry, as the AsyncAPI document describes it. */
export interface EventDeclaration {
  readonly summary: string;
  /**
   * The shape of the event's `data` (a stored publication) or of the whole payload (a volatile
   * event): a DTO class with class-validator decorators. Absent: any JSON value.
   */
  readonly data?: PayloadClass;
  /** Sent to subscribers without being stored: no offset, no epoch, no history. */
  readonly volatile?: boolean;
}

/**
 * What a namespace is: its name, whether its channels keep history and track presence, and
 * the events its owner publishes. The AsyncAPI document is generated from these declarations
 * (and the commands' DTOs), never from a list kept elsewhere.
 */
export interface NamespaceDeclaration {
  readonly namespace: string;
  /** Keeps publications in history (offsets, recovery). */
  readonly history: boolean;
  /** Tracks who is subscribed and announces joins and leaves. */
  readonly presence: boolean;
  /** One sentence for the docs: what the namespace's channels are for, and who may use them. */
  readonly summary: string;
  /** Events its channels carry, by name. */
  readonly events?: Readonly<Record<string, EventDeclaration>>;
}

/**
 * Who may use a namespace's channels. Consulted for every `subscribe`, every command that acts
 * on a channel, every REST read of history or presence by a user, and again for each open
 * subscription when its connection refreshes its token (`admin` is never asked: it may use
 * any channel).
 *
 * It may be asynchronous and use any injected provider (a repository, another service, module
 * state). What it answers is not cached by the core: a subscription, once allowed, lasts until
 * it ends or a token refresh re-checks it, and a command is checked each time. A policy that
 * asks something slow should cache what it learns itself (for example in `ModuleState` with a
 * TTL). If it throws or rejects with anything but a `GatewayError`, the caller gets `INTERNAL`
 * (REST: 503), never an allow.
 */
export interface ChannelPolicy {
  canSubscribe(principal: Principal, channel: ChannelName): boolean | Promise<boolean>;
}

/** A policy and the declaration of the namespace it guards. */
export interface NamespaceEntry {
  readonly declaration: NamespaceDeclaration;
  readonly policy: ChannelPolicy;
}
