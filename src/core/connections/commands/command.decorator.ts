import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Principal } from '../../../auth/principal.js';
import type { PayloadClass } from '../../channels/channel-policy.js';
import type { GatewaySocket } from '../gateway-socket.js';
import { GatewayCommands } from './gateway-commands.decorator.js';

export const COMMAND_DOC = 'switchboard:command-doc';

/** What the AsyncAPI document says of a command (its payload comes from the `@Payload()` DTO). */
export interface CommandDoc {
  readonly summary: string;
  /** The `data` of its ok answer: a DTO class; absent: `{}`. */
  readonly reply?: PayloadClass;
}

/**
 * A class of client commands: a Socket.IO gateway on the gateway's one server, whose
 * handlers run behind the per-message session and channel guards and answer through the
 * contract's ack envelope. Its commands are found at start-up; nothing to register.
 */
export const CommandGateway = (): ClassDecorator => applyDecorators(WebSocketGateway(), GatewayCommands());

/**
 * One client command: `@Command('orders.track', { summary, reply: TrackedDto })`. The handler
 * returns `ok(data)` (or throws a `GatewayError`); its payload is validated by the DTO of its
 * `@Payload()` parameter, and both appear in the AsyncAPI document.
 */
export const Command = (name: string, doc: CommandDoc): MethodDecorator =>
  applyDecorators(SubscribeMessage(name), SetMetadata(COMMAND_DOC, doc));

/** Who sent a command: the connection's principal (refreshed by `auth.refresh`) and its id. */
export interface CommandCaller {
  readonly principal: Principal;
  readonly connectionId: string;
}

/** The command's caller: `@Caller() caller: CommandCaller`. Modules never see the socket. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): CommandCaller => {
  const socket = context.switchToWs().getClient<GatewaySocket>();
  return { principal: socket.data.principal, connectionId: socket.id };
});
