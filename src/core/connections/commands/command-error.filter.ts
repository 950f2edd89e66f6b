import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { GatewayError } from '../../errors/gateway.error.js';
import { type Ack, type CommandError, ErrorCode } from '@switchboard/protocol';

const HTTP_CODES: Partial<Record<number, CommandError['code']>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.BadRequest,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.Unauthorized,
  [HttpStatus.FORBIDDEN]: ErrorCode.Forbidden,
  [HttpStatus.NOT_FOUND]: ErrorCode.NotFound,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.RateLimited,
};

/**
 * Every failure of a socket command becomes the contract's `{ ok:false, error }` (a guard that
 * returned false arrives as an HTTP 403 from Nest's context creator: `FORBIDDEN`). Nothing here
 * disconnects the client.
 */
@Catch()
export class CommandErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(CommandErrorFilter.name);

  /** The failed command's answer; the dispatcher hands it to the ack or the `exception` event. */
  catch(exception: unknown, host: ArgumentsHost): Ack<never> {
    const command = host.switchToWs().getPattern();
    return { ok: false, error: this.toCommandError(exception, command) };
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
    this.logger.error(`${command} failed`, exception instanceof Error ? exception.stack : String(exception));
    return { code: ErrorCode.Internal, message: 'internal error', details: [] };
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : JSON.stringify(cause);
}
