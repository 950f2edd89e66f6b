import { isFresh, tokenExpiry } from './token-schedule.js';

/** Returns a valid token: the app's login/refresh logic. Called at connect and before `exp`. */
export type TokenProvider = () => string | Promise<string>;

export interface HeldToken {
  readonly token: string;
  /** Seconds since the epoch, when the token has an `exp` claim. */
  readonly exp?: number;
}

/**
 * The connection's current token. A handshake reuses it while it is good for longer than the
 * refresh margin (reconnect storms must not hammer the app's auth server); otherwise, and
 * always after the server refused it, the provider is asked again.
 */
export class TokenKeeper {
  private held: HeldToken | undefined;

  constructor(
    private readonly provider: TokenProvider,
    private readonly marginMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): HeldToken | undefined {
    return this.held;
  }

  async forHandshake(): Promise<string> {
    if (this.held && isFresh(this.held.exp, this.now(), this.marginMs)) return this.held.token;
    this.held = await this.candidate();
    return this.held.token;
  }

  /** Asks the provider for a new token, without using it yet (see {@link accept}). */
  async candidate(): Promise<HeldToken> {
    const token = await this.provider();
    if (typeof token !== 'string' || token.length === 0) throw new Error('getToken() returned no token');
    const exp = tokenExpiry(token);
    return exp === undefined ? { token } : { token, exp };
  }

  /** The server took this token (`auth.refresh` answered ok). */
  accept(token: HeldToken): void {
    this.held = token;
  }

  /** The server refused it (or the session expired): never offer it again. */
  invalidate(): void {
    this.held = undefined;
  }
}
