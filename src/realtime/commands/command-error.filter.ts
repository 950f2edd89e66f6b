import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { GatewayError } from '../errors/gateway.error.js';
import type { GatewaySocket } from '../realtime.events.js';
import { ErrorCode, type AckCallback, type CommandError } from '@switchboard/protocol';
import { ServerEmitter } from '../emitter/server-emitter.js';

/**
 * Every failure of a socket command becomes the contract's `{ ok:false, error }` ack, or,
 * when the client sent no ack callback, an `exception` event `{ code, message, event }`.
 * Nothing here disconnects the client.
 */
const HTTP_CODES: Partial<Record<number, CommandError['code']>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.BadRequest,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.Unauthorized,
  [HttpStatus.FORBIDDEN]: ErrorCode.Forbidden,
  [HttpStatus.NOT_FOUND]: ErrorCode.NotFound,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.RateLimited,
};

@Catch()
export class CommandErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(CommandErrorFilter.name);

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly emitter: ServerEmitter,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<GatewaySocket>();
    const command = ws.getPattern();
    const ack = host.getArgs().find((arg): arg is AckCallback => typeof arg === 'function');
    const error = this.toCommandError(exception, command);
    this.metrics.commands.inc({ command, result: error.code });
    if (ack) ack({ ok: false, error });
    else
      this.emitter.toSocket(socket, 'exception', {
        code: error.code,
        message: error.message,
        event: command,
      });
  }

  private toCommandError(exception: unknown, command: string): CommandError {
    if (exception instanceof GatewayError) {
      if (exception.cause)
        this.logger.warn(`${command}: ${exception.message}: ${describeCause(exception.cause)}`);
      return exception.toCommandError();
    }
    // An HTTP exception thrown by shared code (a pipe, a guard): keep its meaning.
    if (exception instanceof HttpException) {
      const code = HTTP_CODES[exception.getStatus()];
      if (code) return { code, message: exception.message, details: [] };
    }
    // A guard that returned false (Nest's own WsException "Forbidden resource").
    if (exception instanceof WsException) {
      return { code: ErrorCode.Forbidden, message: String(exception.message), details: [] };
    }
    this.logger.error(`${command} failed`, exception instanceof Error ? exception.stack : String(exception));
    return { code: ErrorCode.Internal, message: 'internal error', details: [] };
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : JSON.stringify(cause);
}
