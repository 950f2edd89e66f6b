import { Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Counter } from 'prom-client';
import { AdminLoginLimiter } from './admin-login.limiter.js';

type Next = (error?: Error) => void;
type Middleware = (socket: Socket, next: Next) => void;

/** Why an admin login failed (`switchboard_admin_login_failures_total{reason}`). */
export type LoginFailure = 'wrong_password' | 'unknown_user' | 'throttled';

export const THROTTLED_MESSAGE = 'too many failed logins, try again in a minute';
/** At most one log line per this interval for throttled refusals (with their count). */
const THROTTLED_LOG_INTERVAL_MS = 10_000;

export interface AdminLoginGuardOptions {
  readonly username: string;
  /** The package's session store: a login with a known session id is not a password check. */
  readonly store: { doesSessionExist(sessionId: string): Promise<boolean> };
  readonly failures: Counter<'reason'>;
  readonly limiter?: AdminLoginLimiter;
}

/**
 * Wraps `@socket.io/admin-ui`'s basic-auth middleware (the one place it runs `bcrypt.compare`,
 * at the hash's cost, on the main thread): 20 CONNECT packets in one 1.2 KB burst cost 8.4 s
 * of CPU before. The package registers it with `namespace.use()` inside `instrument()`;
 * {@link wrapWhileInstrumenting} hands it to {@link guard} as it is registered.
 *
 * A login the package would check with bcrypt (the configured user name, no known session)
 * first takes a slot of the {@link AdminLoginLimiter} (5 a minute per address, 30 in all);
 * without one it is refused at once, without hashing. Every failure is logged (the address and
 * the reason, never the password or the user name typed) and counted by reason.
 */
export class AdminLoginGuard {
  private readonly logger = new Logger(AdminLoginGuard.name);
  private readonly limiter: AdminLoginLimiter;
  private readonly counters: Record<LoginFailure, Counter.Internal>;
  /** Throttled refusals not logged yet, and when the last such line was written. */
  private throttled = 0;
  private throttledLoggedAt = 0;

  constructor(private readonly options: AdminLoginGuardOptions) {
    this.limiter = options.limiter ?? new AdminLoginLimiter();
    this.counters = {
      wrong_password: options.failures.labels('wrong_password'),
      unknown_user: options.failures.labels('unknown_user'),
      throttled: options.failures.labels('throttled'),
    };
  }

  /** Runs `register` (the package's `instrument()`) with every middleware it adds to `namespace` guarded. */
  wrapWhileInstrumenting(namespace: Namespace, register: () => void): void {
    const use = namespace.use.bind(namespace);
    namespace.use = (middleware: Middleware) => use(this.guard(middleware));
    try {
      register();
    } finally {
      // The prototype's own method again.
      Reflect.deleteProperty(namespace, 'use');
    }
  }

  guard(checkPassword: Middleware): Middleware {
    return (socket, next) => {
      this.admit(socket, checkPassword, next).catch((error: unknown) =>
        next(error instanceof Error ? error : new Error(String(error))),
      );
    };
  }

  private async admit(socket: Socket, checkPassword: Middleware, next: Next): Promise<void> {
    const auth = socket.handshake.auth as Record<string, unknown>;
    const sessionId = auth['sessionId'];
    if (typeof sessionId === 'string' && (await this.options.store.doesSessionExist(sessionId))) {
      return checkPassword(socket, next);
    }
    if (auth['username'] !== this.options.username) {
      // Refused by the package without a hash.
      return checkPassword(socket, (error) => {
        if (error) this.failed(socket, 'unknown_user');
        next(error);
      });
    }
    const check = this.limiter.acquire(socket.handshake.address);
    if (!check) {
      this.failed(socket, 'throttled');
      return next(new Error(THROTTLED_MESSAGE));
    }
    checkPassword(socket, (error) => {
      if (error) {
        check.failed();
        this.failed(socket, 'wrong_password');
      } else {
        check.succeeded();
      }
      next(error);
    });
  }

  private failed(socket: Socket, reason: LoginFailure): void {
    this.counters[reason].inc();
    const address = socket.handshake.address;
    if (reason !== 'throttled') {
      this.logger.warn({
        msg: `admin login failed: ${reason}`,
        event: 'admin.login.failed',
        reason,
        address,
      });
      return;
    }
    // A throttled flood would write a line per packet: one line per interval says how many.
    this.throttled++;
    const now = Date.now();
    if (now - this.throttledLoggedAt < THROTTLED_LOG_INTERVAL_MS) return;
    this.logger.warn({
      msg: `admin login failed: throttled (${this.throttled} refused without a check since the last such line)`,
      event: 'admin.login.failed',
      reason,
      address,
      refused: this.throttled,
    });
    this.throttled = 0;
    this.throttledLoggedAt = now;
  }
}
