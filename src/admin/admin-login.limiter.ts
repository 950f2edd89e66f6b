/** Failed admin logins checked with bcrypt, at most, per window (contract v3 §7). */
export interface AdminLoginLimits {
  /** Per client address. */
  readonly perAddress: number;
  /** For the whole instance, all addresses together. */
  readonly total: number;
  readonly windowMs: number;
}

export const ADMIN_LOGIN_LIMITS: AdminLoginLimits = { perAddress: 5, total: 30, windowMs: 60_000 };

/** A slot taken for one password check: `succeeded()` gives it back, `failed()` keeps it for the window. */
export interface LoginCheck {
  succeeded(): void;
  failed(): void;
}

/**
 * How many password checks (bcrypt at the hash's cost, on the main thread) failed logins may
 * cost: at most `perAddress` in any window per client address and `total` in all. A check
 * takes its slot before it hashes, so a burst of simultaneous attempts gets exactly the
 * allowed number checked; a login that succeeds gives its slot back (only failures use the
 * budget up), and a failed one keeps it until the window has passed since it started.
 * Everything beyond is refused without hashing.
 *
 * Memory stays bounded whatever the number of addresses: only an address that took a slot is
 * remembered, at most `total` of them hold slots at any time, and each holds at most
 * `perAddress` timestamps.
 */
export class AdminLoginLimiter {
  private readonly byAddress = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(
    private readonly limits: AdminLoginLimits = ADMIN_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A slot for one check from `address`, or `undefined`: refuse without hashing. */
  acquire(address: string): LoginCheck | undefined {
    const now = this.now();
    this.expire(now);
    const taken = this.byAddress.get(address) ?? [];
    if (taken.length >= this.limits.perAddress || this.all.length >= this.limits.total) return undefined;
    taken.push(now);
    this.byAddress.set(address, taken);
    this.all.push(now);
    let settled = false;
    return {
      succeeded: () => {
        if (settled) return;
        settled = true;
        this.release(address, now);
      },
      failed: () => {
        settled = true;
      },
    };
  }

  private release(address: string, at: number): void {
    removeOne(this.all, at);
    const taken = this.byAddress.get(address);
    if (!taken) return;
    removeOne(taken, at);
    if (taken.length === 0) this.byAddress.delete(address);
  }

  /** Slots taken a window ago or earlier are free again (timestamps are in order). */
  private expire(now: number): void {
    const cutoff = now - this.limits.windowMs;
    while (this.all.length > 0 && this.all[0] <= cutoff) this.all.shift();
    for (const [address, taken] of this.byAddress) {
      while (taken.length > 0 && taken[0] <= cutoff) taken.shift();
      if (taken.length === 0) this.byAddress.delete(address);
    }
  }
}

function removeOne(values: number[], value: number): void {
  const index = values.indexOf(value);
  if (index >= 0) values.splice(index, 1);
}
