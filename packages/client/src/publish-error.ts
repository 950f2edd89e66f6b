import type { RestErrorBody } from '@switchboard/protocol';

/**
 * A REST call of the publisher that failed for good: refused by the gateway (`statusCode`
 * and its error `body`), or still failing after every retry (`statusCode` of the last answer,
 * or none after network errors and timeouts).
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';

  constructor(
    message: string,
    /** The last HTTP status, if any answer came. */
    readonly statusCode: number | undefined,
    /** The gateway's error body, if it sent one. */
    readonly body: RestErrorBody | undefined,
    /** Whether it is worth retrying (503, 502, 504, 429, network errors, timeouts). */
    readonly retryable: boolean,
    /** Attempts made, the first included. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
