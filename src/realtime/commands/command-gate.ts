import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ServerEmitter } from '../emitter/server-emitter.js';
import type { GatewaySocket } from '../realtime.events.js';
import { AbuseWindow, TokenBucket } from '../rate-limit/token-bucket.js';
import { ErrorCode, type AckCallback, type ErrorCode as Code } from '@switchboard/protocol';

const ABUSE_WINDOW_MS = 10_000;

/**
 * Per-connection packet middleware, in front of every command handler: the token-bucket rate
 * limit (answered `RATE_LIMITED`, disconnecting only sustained abuse) and `NOT_FOUND` for
 * events no gateway handles (Nest would silently ignore them).
 */
@Injectable()
export class CommandGate {
  private readonly logger = new Logger(CommandGate.name);

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
    private readonly emitter: ServerEmitter,
  ) {}

  install(socket: GatewaySocket): void {
    const { perSecond, burst } = this.config.rateLimit;
    const bucket = new TokenBucket(perSecond, burst);
    const abuse = new AbuseWindow(10 * burst, ABUSE_WINDOW_MS);
    socket.use(([event, ...args], next) => {
      const ack: unknown = args.at(-1);
      const answer = typeof ack === 'function' ? (ack as AckCallback) : undefined;
      if (!bucket.tryTake()) {
        this.metrics.rateLimited.inc();
        this.refuse(socket, event, answer, ErrorCode.RateLimited, 'rate limit exceeded, slow down');
        if (abuse.record()) {
          this.logger.warn(`disconnecting ${socket.data.principal.sub}: sustained rate-limit abuse`);
          socket.disconnect(true);
        }
        return;
      }
      if (socket.listenerCount(event) === 0) {
        this.refuse(socket, event, answer, ErrorCode.NotFound, `unknown command "${event}"`);
        return;
      }
      next();
    });
  }

  private refuse(
    socket: GatewaySocket,
    event: string,
    ack: AckCallback | undefined,
    code: Code,
    message: string,
  ): void {
    const command = socket.listenerCount(event) > 0 ? event : 'unknown';
    this.metrics.commands.inc({ command, result: code });
    if (ack) ack({ ok: false, error: { code, message, details: [] } });
    else this.emitter.toSocket(socket, 'exception', { code, message, event });
  }
}
