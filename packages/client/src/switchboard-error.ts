import type { ErrorCode, ErrorDetail } from '@switchboard/protocol';

/**
 * Codes the client raises itself, beside the contract's ({@link ErrorCode}):
 * `TIMEOUT` no answer within the command timeout; `DISCONNECTED` the connection dropped
 * before the answer; `CLOSED` the client or subscription was closed; `CONNECTION_FAILED` the
 * transport could not reach the server (the client keeps retrying while `willRetry`).
 */
export type ClientErrorCode = 'TIMEOUT' | 'DISCONNECTED' | 'CLOSED' | 'CONNECTION_FAILED';
export type SwitchboardErrorCode = ErrorCode | ClientErrorCode;

export interface SwitchboardErrorInit {
  /** The command (or `connect`) that failed. */
  readonly command?: string;
  readonly details?: readonly ErrorDetail[];
  /** Only for `connect_error`: whether Socket.IO keeps trying by itself. */
  readonly willRetry?: boolean;
}

/** Every failure the SDK reports: a command's refusal, a timeout, a refused handshake. */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  readonly command?: string;
  readonly details: readonly ErrorDetail[];
  readonly willRetry: boolean;

  constructor(
    readonly code: SwitchboardErrorCode,
    message: string,
    init: SwitchboardErrorInit = {},
  ) {
    super(message);
    this.command = init.command;
    this.details = init.details ?? [];
    this.willRetry = init.willRetry ?? false;
  }

  /** Worth trying again later with the same payload (with `clientId`, even `chat.send`). */
  get transient(): boolean {
    return ['TIMEOUT', 'DISCONNECTED', 'RATE_LIMITED', 'INTERNAL'].includes(this.code);
  }
}
