/**
 * A classic token bucket: `burst` tokens, refilled at `perSecond`. One per connection, so
 * it lives in memory even when the gateway scales out.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Counts refusals in a sliding window; the contract disconnects a client only for sustained
 * abuse (more than 10 × burst refused commands within 10 s).
 */
export class AbuseWindow {
  private readonly refusals: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one refusal; returns true when the window now holds more than `limit`. */
  record(): boolean {
    const now = this.now();
    this.refusals.push(now);
    while (this.refusals.length > 0 && this.refusals[0] <= now - this.windowMs) this.refusals.shift();
    return this.refusals.length > this.limit;
  }
}
