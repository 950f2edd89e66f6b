import { Injectable, Logger } from '@nestjs/common';
import {
  type Ack,
  type AckCallback,
  type CommandError,
  ErrorCode,
  MAX_PAYLOAD_DEPTH,
} from '@switchboard/protocol';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ServerEmitter } from '../emitter/server-emitter.js';
import { AbuseWindow, TokenBucket } from '../rate-limit/token-bucket.js';
import type { GatewaySocket } from '../realtime.events.js';
import { CommandTable } from './command-table.js';
import { nestsDeeperThan } from './payload-depth.js';

const ABUSE_WINDOW_MS = 10_000;

/** Never calls `next`: client events reach no Socket.IO listener, only the dispatcher. */
const SWALLOW = (): void => undefined;

/** A connection's own command state: its rate limit (the abuse window only once it is hit). */
export interface CommandState {
  readonly bucket: TokenBucket;
  abuse?: AbuseWindow;
}

/**
 * Every client packet goes through here, once: the rate limit (`RATE_LIMITED`, disconnecting
 * only sustained abuse), `NOT_FOUND` for anything that is not a command (Socket.IO's own
 * names such as `error` or `disconnect` included: no client event ever reaches a Socket.IO
 * listener), `BAD_REQUEST` for payloads nested deeper than 32 levels before any validation
 * runs, then the command's handler from the {@link CommandTable}, and its answer to the ack
 * callback or, for a failure sent without one, as an `exception` event.
 *
 * One listener function serves every connection (Socket.IO calls `onAny` listeners with the
 * socket as `this`); a connection carries only its {@link CommandState}.
 */
@Injectable()
export class CommandDispatcher {
  private readonly logger = new Logger(CommandDispatcher.name);
  private readonly listener: (this: GatewaySocket, event: unknown, ...args: unknown[]) => void;

  constructor(
    private readonly table: CommandTable,
    private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
    private readonly emitter: ServerEmitter,
  ) {
    const dispatch = this.dispatch.bind(this);
    this.listener = function (this: GatewaySocket, event: unknown, ...args: unknown[]) {
      dispatch(this, event, args);
    };
  }

  attach(socket: GatewaySocket): void {
    const { perSecond, burst } = this.config.rateLimit;
    socket.data.commands = { bucket: new TokenBucket(perSecond, burst) };
    socket.use(SWALLOW);
    socket.onAny(this.listener);
  }

  private dispatch(socket: GatewaySocket, event: unknown, args: unknown[]): void {
    // Packets decoded in the same read as the client's DISCONNECT reach the socket a tick after
    // it left. Socket.IO drops them for its own listeners, but runs `onAny` ones: drop them
    // here too, rather than act (subscribe, send) for a connection that is gone and answer in
    // a namespace the client has left.
    if (!socket.connected) return;
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as AckCallback) : undefined;
    const command = typeof event === 'string' ? event : String(event);
    const state = socket.data.commands;
    if (!state.bucket.tryTake()) {
      this.metrics.rateLimited.inc();
      this.refuse(socket, command, ack, ErrorCode.RateLimited, 'rate limit exceeded, slow down');
      state.abuse ??= new AbuseWindow(10 * this.config.rateLimit.burst, ABUSE_WINDOW_MS);
      if (state.abuse.record()) {
        this.logger.warn(`disconnecting ${socket.data.principal.sub}: sustained rate-limit abuse`);
        socket.disconnect(true);
      }
      return;
    }
    const handler = this.table.get(command);
    if (!handler)
      return this.refuse(socket, command, ack, ErrorCode.NotFound, `unknown command "${command}"`);
    // One argument is the payload; several (not in the protocol) reach validation as a list.
    const payload = args.length === 1 ? args[0] : args;
    if (nestsDeeperThan(payload, MAX_PAYLOAD_DEPTH)) {
      const message = `payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
      return this.refuse(socket, command, ack, ErrorCode.BadRequest, message, [
        { field: '', messages: [message] },
      ]);
    }
    handler(socket, payload, ack, command).then(
      (answer) => this.answer(socket, command, ack, answer),
      (error: unknown) => {
        // The error filter answers every failure; reaching here is a bug in the wiring.
        this.logger.error(
          `${command} failed outside its error filter`,
          error instanceof Error ? error.stack : error,
        );
        this.answer(socket, command, ack, { ok: false, error: internal() });
      },
    );
  }

  private refuse(
    socket: GatewaySocket,
    command: string,
    ack: AckCallback | undefined,
    code: CommandError['code'],
    message: string,
    details: CommandError['details'] = [],
  ): void {
    const known = this.table.get(command) !== undefined;
    this.metrics.commands.inc({ command: known ? command : 'unknown', result: code });
    this.answer(socket, command, ack, { ok: false, error: { code, message, details } });
  }

  private answer(
    socket: GatewaySocket,
    command: string,
    ack: AckCallback | undefined,
    answer: Ack<unknown>,
  ): void {
    if (ack) ack(answer);
    else if (!answer.ok) {
      const { code, message } = answer.error;
      this.emitter.toSocket(socket, 'exception', { code, message, event: command });
    }
  }
}

const internal = (): CommandError => ({ code: ErrorCode.Internal, message: 'internal error', details: [] });
