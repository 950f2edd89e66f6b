import { WsException } from '@nestjs/websockets';
import { ErrorCode, type CommandError, type ErrorDetail } from '@switchboard/protocol';

/**
 * A failure with a contract error code. Thrown from socket guards, pipes and handlers and
 * from the channel core; the socket filter turns it into the `{ ok:false, error }` ack and
 * the REST filter into the matching HTTP status.
 */
export class GatewayError extends WsException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }

  toCommandError(): CommandError {
    return { code: this.code, message: this.message, details: this.details };
  }

  static badRequest(message: string, details: readonly ErrorDetail[] = []): GatewayError {
    return new GatewayError(ErrorCode.BadRequest, message, details);
  }
  static unauthorized(message: string): GatewayError {
    return new GatewayError(ErrorCode.Unauthorized, message);
  }
  static forbidden(message: string): GatewayError {
    return new GatewayError(ErrorCode.Forbidden, message);
  }
  static notFound(message: string): GatewayError {
    return new GatewayError(ErrorCode.NotFound, message);
  }
  static internal(message = 'internal error'): GatewayError {
    return new GatewayError(ErrorCode.Internal, message);
  }
}

/** The store behind a command is unreachable (Redis down): `INTERNAL` on sockets, 503 on REST. */
export class BackendUnavailableError extends GatewayError {
  constructor(cause: unknown) {
    super(ErrorCode.Internal, 'backend unavailable, try again');
    this.cause = cause;
  }
}
