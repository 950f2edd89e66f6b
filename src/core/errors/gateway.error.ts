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
  constructor(cause: unknown, message = 'backend unavailable, try again') {
    super(ErrorCode.Internal, message);
    this.cause = cause;
  }
}

/**
 * A control action (disconnect, revoke, lift, kick) the store or the other instances did not
 * confirm in time: it may have been applied on some or all instances. Every control call is
 * idempotent, so the error says that retrying is safe.
 */
export class ControlUnconfirmedError extends BackendUnavailableError {
  constructor(cause: unknown) {
    super(
      cause,
      'the store or the other instances did not confirm the action in time: it may have been applied; ' +
        'control calls are idempotent, so retrying is safe',
    );
  }
}

/**
 * An append the store did not confirm. A timed-out script may still run once Redis answers
 * again (the classic lost reply), so the failure must not claim that nothing was published:
 * it says so, and points at the safe retry.
 */
export class PublicationUnconfirmedError extends BackendUnavailableError {
  constructor(cause: unknown) {
    super(
      cause,
      'the store did not confirm the publication in time: it may have been stored; retrying with the same ' +
        'idempotency key (Idempotency-Key header, batch idempotencyKey, chat.send clientId) is safe and returns its offset',
    );
  }
}
