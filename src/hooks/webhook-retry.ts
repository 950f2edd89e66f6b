/** Contract §8: exponential backoff from 1 s, at most 60 s apart. */
export interface WebhookBackoff {
  readonly firstMs: number;
  readonly maxMs: number;
}

export const WEBHOOK_BACKOFF: WebhookBackoff = { firstMs: 1_000, maxMs: 60_000 };

/** The wait after the `failures`-th failed attempt of one request (1 s, 2 s, 4 s, … 60 s). */
export function retryDelayMs(failures: number, backoff: WebhookBackoff = WEBHOOK_BACKOFF): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(backoff.firstMs * 2 ** exponent, backoff.maxMs);
}
