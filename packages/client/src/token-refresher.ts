import { SwitchboardError } from './switchboard-error.js';
import type { TokenKeeper } from './token-keeper.js';
import { refreshDelayMs } from './token-schedule.js';

export interface RefreshHooks {
  /** Sends `auth.refresh`; resolves with the server's `exp`. */
  send(token: string): Promise<{ exp?: number }>;
  refreshed(result: { exp?: number }): void;
  failed(error: SwitchboardError): void;
}

const RETRY_MIN_MS = 1000;

/**
 * Keeps an open connection's token ahead of its `exp`: fetches a new one from the provider
 * `refreshMarginMs` before expiry (or at half the remaining life for short tokens) and sends
 * `auth.refresh`. A failure is reported and retried while the old token is still valid.
 */
export class TokenRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    private readonly keeper: TokenKeeper,
    private readonly hooks: RefreshHooks,
    private readonly marginMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Arms the timer for the current token (call on connect and after each refresh). */
  start(): void {
    this.stop();
    const exp = this.keeper.current?.exp;
    if (exp !== undefined) this.arm(refreshDelayMs(exp, this.now(), this.marginMs));
  }

  stop(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    const generation = this.generation;
    this.timer = setTimeout(() => void this.refresh(generation), delayMs);
  }

  private async refresh(generation: number): Promise<void> {
    const previous = this.keeper.current?.exp;
    try {
      const next = await this.keeper.candidate();
      // A provider that hands back the same token would make this loop spin: refuse it.
      if (previous !== undefined && next.exp !== undefined && next.exp <= previous) {
        throw new SwitchboardError('UNAUTHORIZED', 'getToken() returned a token that expires no later', {
          command: 'auth.refresh',
        });
      }
      const result = await this.hooks.send(next.token);
      if (generation !== this.generation) return;
      this.keeper.accept(next);
      this.hooks.refreshed(result);
      this.start();
    } catch (error) {
      if (generation !== this.generation) return;
      const failure =
        error instanceof SwitchboardError
          ? error
          : new SwitchboardError('UNAUTHORIZED', `getToken() failed: ${String(error)}`, {
              command: 'auth.refresh',
            });
      this.hooks.failed(failure);
      const remaining = (previous ?? 0) * 1000 - this.now();
      if (remaining > 0) this.arm(Math.max(RETRY_MIN_MS, Math.min(5000, remaining / 2)));
    }
  }
}
