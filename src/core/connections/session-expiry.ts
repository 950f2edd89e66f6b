import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { addTo, membersOf, type OneOrMany, removeFrom } from './one-or-many.js';
import { serverDisconnect } from './server-disconnect.js';
import { ServerEmitter } from '../delivery/server-emitter.js';
import type { GatewaySocket } from './gateway-socket.js';

/** setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Disconnects a connection when its token expires without `auth.refresh` (contract §5):
 * `session.expired`, then disconnect.
 *
 * Connections are grouped by their token's `exp` (whole seconds in a JWT), one timer per
 * second that has any, not one per connection: connections that signed in together share one,
 * and a timer with its closure costs about 200 bytes of heap per connection. Long delays are
 * walked in steps below the timer limit.
 */
@Injectable()
export class SessionExpiry implements OnModuleDestroy {
  /** Connections by `exp`, each second's group armed with one timer. */
  private readonly groups = new Map<number, OneOrMany<GatewaySocket>>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** The `exp` each connection is filed under (its principal may have been replaced since). */
  private readonly filedUnder = new WeakMap<GatewaySocket, number>();
  /** The clock, replaceable in unit tests. */
  now: () => number = Date.now;

  constructor(private readonly emitter: ServerEmitter) {}

  /** (Re)arms the expiry for the socket's current principal. */
  schedule(socket: GatewaySocket): void {
    this.cancel(socket);
    const { exp } = socket.data.principal;
    if (exp === undefined) return;
    if (exp * 1000 <= this.now()) return this.expire(socket, exp);
    if (!this.groups.has(exp)) this.arm(exp);
    addTo(this.groups, exp, socket);
    this.filedUnder.set(socket, exp);
  }

  cancel(socket: GatewaySocket): void {
    const exp = this.filedUnder.get(socket);
    if (exp === undefined) return;
    this.filedUnder.delete(socket);
    removeFrom(this.groups, exp, socket);
    if (this.groups.has(exp)) return;
    clearTimeout(this.timers.get(exp));
    this.timers.delete(exp);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.groups.clear();
  }

  private arm(exp: number): void {
    const delay = Math.min(Math.max(exp * 1000 - this.now(), 0), MAX_TIMER_DELAY_MS);
    const timer = setTimeout(() => this.due(exp), delay);
    timer.unref();
    this.timers.set(exp, timer);
  }

  private due(exp: number): void {
    // Not yet: a delay beyond the timer limit, walked in steps.
    if (exp * 1000 > this.now()) return this.arm(exp);
    const sockets = membersOf(this.groups.get(exp));
    this.groups.delete(exp);
    this.timers.delete(exp);
    for (const socket of sockets) {
      this.filedUnder.delete(socket);
      this.expire(socket, exp);
    }
  }

  private expire(socket: GatewaySocket, exp: number): void {
    this.emitter.toSocket(socket, 'session.expired', {
      event: 'session.expired',
      data: { exp },
      ts: this.now(),
    });
    serverDisconnect(socket);
  }
}
