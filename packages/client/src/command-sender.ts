import type { Socket } from 'socket.io-client';
import type { CommandError } from '@switchboard/protocol';
import type { ClientCommands, CommandName } from './client.types.js';
import { SwitchboardError } from './switchboard-error.js';

type AckShape = { ok: true; data: unknown } | { ok: false; error: CommandError };

function isAck(value: unknown): value is AckShape {
  if (typeof value !== 'object' || value === null) return false;
  const { ok } = value as { ok?: unknown };
  return ok === true || (ok === false && typeof (value as { error?: unknown }).error === 'object');
}

/**
 * Sends commands and turns their acknowledgements into promises: the ok `data`, or a
 * {@link SwitchboardError} with the contract's code. A command sent while disconnected is
 * buffered by Socket.IO and goes out on reconnect, unless its timeout runs out first.
 */
export class CommandSender {
  constructor(
    private readonly socket: Socket,
    private readonly defaultTimeoutMs: number,
  ) {}

  async send<K extends CommandName>(
    command: K,
    payload: ClientCommands[K]['payload'],
    timeoutMs = this.defaultTimeoutMs,
  ): Promise<ClientCommands[K]['result']> {
    let response: unknown;
    try {
      response = await this.socket.timeout(timeoutMs).emitWithAck(command, payload);
    } catch (error) {
      // socket.io-client rejects with "operation has timed out" or, when the connection
      // drops with the answer outstanding, "socket has been disconnected".
      const timedOut = error instanceof Error && /timed out/.test(error.message);
      throw timedOut
        ? new SwitchboardError('TIMEOUT', `${command}: no answer within ${timeoutMs} ms`, { command })
        : new SwitchboardError('DISCONNECTED', `${command}: the connection dropped before the answer`, {
            command,
          });
    }
    if (!isAck(response)) {
      throw new SwitchboardError('INTERNAL', `${command}: malformed answer from the server`, { command });
    }
    if (response.ok) return response.data as ClientCommands[K]['result'];
    const { code, message, details } = response.error;
    throw new SwitchboardError(code, message, { command, details: details ?? [] });
  }
}
