import type { ClientCommands, CommandName } from './client.types.js';
import { newClientId } from './client-id.js';
import { SwitchboardError } from './switchboard-error.js';

export interface CommandOptions {
  timeoutMs?: number;
}
export interface ChatSendOptions extends CommandOptions {
  /** Reuse to retry a send safely; generated when absent. */
  clientId?: string;
  /** Tries in all on TIMEOUT / DISCONNECTED / RATE_LIMITED / INTERNAL (default 3). */
  attempts?: number;
}
export type ChatSendResult = ClientCommands['chat.send']['result'] & { clientId: string };

type Request = <K extends CommandName>(
  command: K,
  payload: ClientCommands[K]['payload'],
  options?: CommandOptions,
) => Promise<ClientCommands[K]['result']>;

const RETRY_BASE_MS = 250;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `client.chat`: the chat namespace's commands (contract §5). */
export class ChatCommands {
  constructor(private readonly request: Request) {}

  /**
   * Sends a message. Every try carries the same `clientId`, so a retry after a timeout or a
   * dropped connection never publishes twice: the server answers with the first `{ id, offset }`.
   */
  async send(room: string, text: string, options: ChatSendOptions = {}): Promise<ChatSendResult> {
    const { clientId = newClientId(), attempts = 3, timeoutMs } = options;
    for (let attempt = 1; ; attempt++) {
      try {
        return { ...(await this.request('chat.send', { room, text, clientId }, { timeoutMs })), clientId };
      } catch (error) {
        if (!(error instanceof SwitchboardError) || !error.transient || attempt >= attempts) throw error;
        await pause(RETRY_BASE_MS * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      }
    }
  }

  /** Tells the room's other subscribers this user is typing (volatile `chat.typing`). */
  async typing(room: string, options?: CommandOptions): Promise<void> {
    await this.request('chat.typing', { room }, options);
  }
}
