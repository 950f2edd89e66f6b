import { Logger } from '@nestjs/common';
import { type Ack, ErrorCode } from '@switchboard/protocol';
import type { CommandHandler } from '../core/connections/commands/command-table.js';
import type { BackendNamespaces } from './backend-namespaces.js';
import { hookUser } from './backend-namespace.policy.js';
import { BACKEND_UNAVAILABLE } from './backend-proxy.client.js';
import type { NamespaceSpec } from '../config/namespaces-file.js';

const logger = new Logger('ForwardedCommand');

const refusal = (code: ErrorCode, message: string): Ack<unknown> => ({
  ok: false,
  error: { code, message, details: [] },
});

/**
 * The handler of a command a backend answers (`commands` of `NAMESPACES_FILE`). The dispatcher
 * has applied the connection's rate limit and the payload's size and depth limits before it
 * runs; it checks the session as every command's guard does, then forwards
 * `{ command, payload, user }` and answers with the backend's ack as it is (an error code
 * outside the contract's becomes `INTERNAL`; no usable answer is `INTERNAL` `backend unavailable`).
 */
export function forwardedCommand(spec: NamespaceSpec, namespaces: BackendNamespaces): CommandHandler {
  return async (socket, payload, _ack, command) => {
    const { principal } = socket.data;
    if (principal.exp !== undefined && principal.exp * 1000 <= Date.now())
      return refusal(ErrorCode.Unauthorized, 'token expired');
    try {
      // The backend's details are passed on as it sent them (the contract's shape is its own promise).
      return (await namespaces.forwardCommand(spec, command, payload, hookUser(principal))) as Ack<unknown>;
    } catch (error) {
      logger.warn(`${command} not forwarded: ${String(error)}`);
      return refusal(ErrorCode.Internal, BACKEND_UNAVAILABLE);
    }
  };
}
