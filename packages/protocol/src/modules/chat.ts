/**
 * The chat module's wire types (namespace `chat:`): its commands, its stored and volatile
 * events. Part of the protocol's default entry point, as chat is built in; a module of your own
 * is imported by name (`@switchboard/protocol/modules/<name>`).
 */
import type { UserChannelEvent } from '../server-events.js';

/** The `data` of a `chat.message` publication. */
export interface ChatMessage {
  readonly id: string;
  readonly room: string;
  readonly text: string;
  readonly from: { readonly userId: string; readonly name?: string; readonly system?: true };
  readonly clientId?: string;
}

export type ChatTypingEvent = UserChannelEvent<'chat.typing'>;

/** Chat's volatile events. */
export const CHAT_VOLATILE_EVENTS = ['chat.typing'] as const;

declare module '../commands.js' {
  interface ClientCommands {
    'chat.send': {
      payload: { room: string; text: string; clientId?: string };
      result: { id: string; offset: number };
    };
    'chat.typing': { payload: { room: string }; result: Record<string, never> };
  }
}

declare module '../server-events.js' {
  interface ServerEvents {
    'chat.typing': ChatTypingEvent;
  }
}

declare module '../publication-events.js' {
  interface PublicationEvents {
    'chat.message': ChatMessage;
  }
}
