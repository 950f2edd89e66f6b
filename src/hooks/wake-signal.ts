/**
 * A wait that something else can cut short: the outbox's deliverer sleeps on it between
 * polls and retries, and an append (new events) or a shutdown wakes it at once.
 */
export class WakeSignal {
  private readonly waiters = new Set<() => void>();

  /** Resolves `true` when {@link notify} is called first, `false` after `ms` (∞: only by notify). */
  wait(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (woken: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(woken);
      };
      const wake = (): void => done(true);
      this.waiters.add(wake);
      if (Number.isFinite(ms)) {
        timer = setTimeout(() => done(false), Math.max(0, ms));
        // The owner stops its loop on shutdown; a pending retry must not hold the process.
        timer.unref();
      }
    });
  }

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
