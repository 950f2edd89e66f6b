import type { CommandError } from './errors.js';
import type { PresenceUser, Publication, StreamPosition } from './publication.js';

/** Every command answers through its ack in one of these two shapes. */
export type Ack<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: CommandError };
export type AckCallback<T = unknown> = (response: Ack<T>) => void;

/** The answer to `subscribe`. */
export interface SubscribeAnswer {
  readonly channel: string;
  /** The channel's top (0 when it has no publication yet). */
  readonly offset: number;
  readonly epoch: string;
  /** Present when `since` was given: whether every publication after it is in `publications`. */
  readonly recovered?: boolean;
  readonly publications?: readonly Publication[];
}

/**
 * Every client → server command: its payload and the `data` of its ok answer. The server's
 * handlers, the SDK and the AsyncAPI document are all typed by this map. Domain modules add
 * their commands by declaration merging (see `chat.ts`).
 */
export interface ClientCommands {
  subscribe: { payload: { channel: string; since?: StreamPosition }; result: SubscribeAnswer };
  unsubscribe: { payload: { channel: string }; result: { channel: string } };
  presence: { payload: { channel: string }; result: { channel: string; users: PresenceUser[] } };
  'auth.refresh': { payload: { token: string }; result: { exp?: number } };
}

export type CommandName = keyof ClientCommands;
export type CommandPayload<C extends CommandName> = ClientCommands[C]['payload'];
export type CommandResult<C extends CommandName> = ClientCommands[C]['result'];

/** The deepest payload nesting a command may have; deeper is refused before validation. */
export const MAX_PAYLOAD_DEPTH = 32;
