import type { Publication, StreamPosition } from '../realtime/history/publication.js';
import type { PresenceUser } from '../realtime/presence/presence-store.js';

/** The answer to `subscribe` (contract §5). */
export interface SubscribeAnswer {
  readonly channel: string;
  readonly offset: number;
  readonly epoch: string;
  readonly recovered?: boolean;
  readonly publications?: readonly Publication[];
}

/**
 * Every client → server command of contract §5: its payload and the `data` of its ok answer.
 * The one map the gateways' handlers, the client SDK and the AsyncAPI catalog are typed by,
 * so a command cannot be added to one of them and forgotten in another. Types only: the SDK
 * imports it without pulling in NestJS.
 */
export interface ClientCommands {
  subscribe: { payload: { channel: string; since?: StreamPosition }; result: SubscribeAnswer };
  unsubscribe: { payload: { channel: string }; result: { channel: string } };
  presence: { payload: { channel: string }; result: { channel: string; users: PresenceUser[] } };
  'auth.refresh': { payload: { token: string }; result: { exp?: number } };
  'chat.send': {
    payload: { room: string; text: string; clientId?: string };
    result: { id: string; offset: number };
  };
  'chat.typing': { payload: { room: string }; result: Record<string, never> };
}

export type CommandName = keyof ClientCommands;
export type CommandResult<C extends CommandName> = ClientCommands[C]['result'];
