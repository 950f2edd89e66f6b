/** How a publisher spaces its retries. */
export interface RetrySchedule {
  /** The first retry's delay before jitter (default 100 ms); doubled for each further retry. */
  readonly retryDelayMs: number;
  /** No retry waits longer (default 5000 ms), whatever the backoff or `Retry-After` says. */
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first): exponential backoff with jitter
 * (between half and all of the step, so many publishers retrying after one outage spread out),
 * never below the server's `Retry-After` and never above `maxDelayMs`.
 */
export function retryDelay(
  schedule: RetrySchedule,
  retry: number,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const step = schedule.retryDelayMs * 2 ** Math.max(0, retry - 1);
  const jittered = step * (0.5 + random() / 2);
  return Math.min(schedule.maxDelayMs, Math.max(jittered, retryAfterMs));
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date; 0 when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number {
  if (header === null || header.trim() === '') return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 0 : Math.max(0, date - now);
}
