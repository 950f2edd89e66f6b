import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import {
  type Ack,
  type AckCallback,
  type CommandError,
  ErrorCode,
  MAX_PAYLOAD_DEPTH,
} from '@switchboard/protocol';
import { AppConfig } from '../../../config/app-config.js';
import { GatewayMetrics } from '../../../metrics/gateway-metrics.js';
import { ServerEmitter } from '../../delivery/server-emitter.js';
import { serverDisconnect } from '../server-disconnect.js';
import { AbuseWindow, TokenBucket } from './token-bucket.js';
import type { GatewaySocket } from '../gateway-socket.js';
import { CommandTable } from './command-table.js';
import { nestsDeeperThan } from '../../../validation/payload-depth.js';

const ABUSE_WINDOW_MS = 10_000;

/** A connection's own command state: its rate limit (the abuse window only once it is hit). */
export class CommandState extends TokenBucket {
  abuse?: AbuseWindow;
}

/**
 * Every client packet goes through here, once: the rate limit (`RATE_LIMITED`, disconnecting
 * only sustained abuse), `NOT_FOUND` for anything that is not a command (Socket.IO's own
 * names such as `error` included; the socket's own listeners are the gateway's `disconnect`, a
 * name Socket.IO's parser refuses from clients, and an `error` one that ignores a client's),
 * `BAD_REQUEST` for payloads nested deeper than 32 levels before any validation
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
  private readonly errorListener: (this: GatewaySocket, error: unknown) => void;
  private readonly tooDeep: Counter.Internal;
  private readonly results = new Map<string, Counter.Internal>();
  /** Per connection and channel, the last command still running (see {@link inOrder}). */
  private readonly tails = new WeakMap<GatewaySocket, Map<string, Promise<unknown>>>();

  constructor(
    private readonly table: CommandTable,
    private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
    private readonly emitter: ServerEmitter,
  ) {
    this.tooDeep = metrics.payloadsRefused.labels('depth');
    const dispatch = this.dispatch.bind(this);
    this.listener = function (this: GatewaySocket, event: unknown, ...args: unknown[]) {
      dispatch(this, event, args);
    };
    const logger = this.logger;
    this.errorListener = function (this: GatewaySocket, error: unknown) {
      // Socket.IO's own errors are `Error`s; a client's `error` event (JSON) was answered above.
      if (error instanceof Error) logger.warn(`socket ${this.id}: ${error.message}`);
    };
  }

  attach(socket: GatewaySocket): void {
    const { perSecond, burst } = this.config.rateLimit;
    socket.data.commands = new CommandState(perSecond, burst);
    socket.onAny(this.listener);
    // Socket.IO also emits every client event to the socket's own listeners after `onAny`; that
    // reaches none, except a client's `error` event, which would throw without a listener.
    socket.on('error', this.errorListener);
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
    if (!state.tryTake()) {
      this.metrics.rateLimited.inc();
      this.refuse(socket, command, ack, ErrorCode.RateLimited, 'rate limit exceeded, slow down');
      state.abuse ??= new AbuseWindow(10 * this.config.rateLimit.burst, ABUSE_WINDOW_MS);
      if (state.abuse.record()) {
        this.logger.warn(`disconnecting ${socket.data.principal.sub}: sustained rate-limit abuse`);
        serverDisconnect(socket);
      }
      return;
    }
    const handler = this.table.get(command);
    if (!handler)
      return this.refuse(socket, command, ack, ErrorCode.NotFound, `unknown command "${command}"`);
    // One argument is the payload; several (not in the protocol) reach validation as a list.
    const payload = args.length === 1 ? args[0] : args;
    if (nestsDeeperThan(payload, MAX_PAYLOAD_DEPTH)) {
      this.tooDeep.inc();
      const message = `payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
      return this.refuse(socket, command, ack, ErrorCode.BadRequest, message, [
        { field: '', messages: [message] },
      ]);
    }
    const channel = this.table.channelOf(command, payload);
    const run = (): Promise<Ack<unknown>> => handler(socket, payload, ack, command);
    (channel === undefined ? run() : this.inOrder(socket, channel, run)).then(
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

  /**
   * Runs a connection's commands on one channel one after another, in the order they arrived,
   * from their guards on: a policy may be asynchronous, and an `unsubscribe` sent right after a
   * `subscribe` must not overtake it while the subscribe's policy is still answering. Commands
   * on other channels, or on none, run alongside. Nothing is kept for an idle connection.
   */
  private inOrder(
    socket: GatewaySocket,
    channel: string,
    task: () => Promise<Ack<unknown>>,
  ): Promise<Ack<unknown>> {
    let tails = this.tails.get(socket);
    if (!tails) this.tails.set(socket, (tails = new Map<string, Promise<unknown>>()));
    const previous = tails.get(channel);
    const run = previous ? previous.then(task, task) : task();
    tails.set(channel, run);
    const settled = (): void => {
      if (tails.get(channel) !== run) return;
      tails.delete(channel);
      if (tails.size === 0 && this.tails.get(socket) === tails) this.tails.delete(socket);
    };
    run.then(settled, settled);
    return run;
  }

  private refuse(
    socket: GatewaySocket,
    command: string,
    ack: AckCallback | undefined,
    code: CommandError['code'],
    message: string,
    details: CommandError['details'] = [],
  ): void {
    this.answer(socket, command, ack, { ok: false, error: { code, message, details } });
  }

  private answer(
    socket: GatewaySocket,
    command: string,
    ack: AckCallback | undefined,
    answer: Ack<unknown>,
  ): void {
    this.count(command, answer.ok ? 'ok' : answer.error.code);
    if (ack) ack(answer);
    else if (!answer.ok) {
      const { code, message } = answer.error;
      this.emitter.toSocket(socket, 'exception', { code, message, event: command });
    }
  }

  /**
   * `switchboard_commands_total`, every answer counted here once (unknown names as `unknown`),
   * through a child handle per label pair kept after first use: no label object built per command.
   */
  private count(command: string, result: string): void {
    const name = this.table.get(command) ? command : 'unknown';
    const key = `${name} ${result}`;
    let child = this.results.get(key);
    if (!child) this.results.set(key, (child = this.metrics.commands.labels(name, result)));
    child.inc();
  }
}

const internal = (): CommandError => ({ code: ErrorCode.Internal, message: 'internal error', details: [] });
