/** The error codes every command answer and `exception` event uses. */
export const ErrorCode = {
  BadRequest: 'BAD_REQUEST',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  RateLimited: 'RATE_LIMITED',
  LimitExceeded: 'LIMIT_EXCEEDED',
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One field that failed validation, with its messages. */
export interface ErrorDetail {
  readonly field: string;
  readonly messages: readonly string[];
}

/** The `error` of a refused command. */
export interface CommandError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

/** `connect_error`'s `err.data` when the gateway refuses a handshake for good. */
export interface HandshakeRefusal {
  readonly code: 'UNAUTHORIZED' | 'LIMIT_EXCEEDED';
  readonly reason: string;
}
