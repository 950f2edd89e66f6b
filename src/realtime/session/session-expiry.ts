import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ServerEmitter } from '../emitter/server-emitter.js';
import type { GatewaySocket } from '../realtime.events.js';

/** setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Disconnects a connection when its token expires without `auth.refresh` (contract §5):
 * `session.expired`, then disconnect. Long delays are walked in steps below the timer limit.
 */
@Injectable()
export class SessionExpiry implements OnModuleDestroy {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The clock, replaceable in unit tests. */
  now: () => number = Date.now;

  constructor(private readonly emitter: ServerEmitter) {}

  /** (Re)arms the timer for the socket's current principal. */
  schedule(socket: GatewaySocket): void {
    this.cancel(socket);
    const { exp } = socket.data.principal;
    if (exp === undefined) return;
    const delay = exp * 1000 - this.now();
    if (delay <= 0) return this.expire(socket, exp);
    const timer = setTimeout(() => this.schedule(socket), Math.min(delay, MAX_TIMER_DELAY_MS));
    timer.unref();
    this.timers.set(socket.id, timer);
  }

  cancel(socket: GatewaySocket): void {
    clearTimeout(this.timers.get(socket.id));
    this.timers.delete(socket.id);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private expire(socket: GatewaySocket, exp: number): void {
    this.emitter.toSocket(socket, 'session.expired', {
      event: 'session.expired',
      data: { exp },
      ts: this.now(),
    });
    socket.disconnect(true);
  }
}
