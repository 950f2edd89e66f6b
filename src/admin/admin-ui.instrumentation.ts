import { Logger } from '@nestjs/common';
import { InMemoryStore, instrument } from '@socket.io/admin-ui';
import type { Counter } from 'prom-client';
import type { Server } from 'socket.io';
import { AdminLoginGuard } from './admin-login.guard.js';
import { AdminSocketFeed } from './admin-socket.feed.js';
import { ADMIN_UI_PATH } from './admin-ui.assets.js';

export const ADMIN_NAMESPACE = '/admin';

export interface AdminUiOptions {
  readonly username: string;
  /** bcrypt; the package compares the password the UI sends against it. */
  readonly passwordHash: string;
  /** The UI's server list names instances by it. */
  readonly instanceId: string;
  /** Production: aggregated figures only (no socket list, no per-connection events). */
  readonly production: boolean;
  /** `switchboard_admin_login_failures_total`, by reason. */
  readonly loginFailures: Counter<'reason'>;
}

/**
 * The server side of the Socket.IO admin UI on the gateway's own server: the `/admin`
 * namespace behind the package's basic auth (a bcrypt hash; the gateway's JWT handshake runs on
 * the main namespace only), its server stats and aggregated traffic, and, outside production,
 * the socket list from {@link AdminSocketFeed}.
 *
 * Always read-only: channel rooms belong to the gateway (policies, subscription counts,
 * presence and occupancy follow `subscribe`), so a join, leave or emit from the UI would bypass
 * all of them; disconnecting users is the control API's job, which is authorised, logged and
 * counted. Without the UI no `/admin` namespace exists and Socket.IO refuses it ("Invalid
 * namespace"). Password checks are bounded and failures logged and counted by
 * {@link AdminLoginGuard}.
 */
export class AdminUiInstrumentation {
  private readonly logger = new Logger(AdminUiInstrumentation.name);
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: AdminUiOptions) {}

  attach(server: Server): void {
    const { username, passwordHash, instanceId, production } = this.options;
    // `instrument` starts a stats interval it never clears and returns no handle; the interval
    // would outlive the server (and keep publishing on a closed Redis adapter). It is created
    // synchronously inside the call, so it is caught here and cleared in close().
    const setInterval = globalThis.setInterval;
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
      const timer = setInterval(...args);
      this.timers.push(timer);
      return timer;
    }) as typeof setInterval;
    const store = new InMemoryStore();
    const logins = new AdminLoginGuard({ username, store, failures: this.options.loginFailures });
    try {
      logins.wrapWhileInstrumenting(server.of(ADMIN_NAMESPACE), () =>
        instrument(server, {
          namespaceName: ADMIN_NAMESPACE,
          auth: { type: 'basic', username, password: passwordHash },
          readonly: true,
          serverId: instanceId,
          store,
          mode: 'production',
        }),
      );
    } finally {
      globalThis.setInterval = setInterval;
    }
    if (!production) new AdminSocketFeed(server, server.of(ADMIN_NAMESPACE)).attach();
    this.logger.log(
      `admin UI at ${ADMIN_UI_PATH} (user ${username}, read-only, ${production ? 'aggregated figures only' : 'with the socket list'})`,
    );
  }

  close(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }
}
