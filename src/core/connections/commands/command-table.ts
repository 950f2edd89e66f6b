import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import type { ParamsFactory } from '@nestjs/core/helpers/external-context-creator.js';
import {
  GATEWAY_METADATA,
  MESSAGE_MAPPING_METADATA,
  MESSAGE_METADATA,
  PARAM_ARGS_METADATA,
} from '@nestjs/websockets/constants.js';
import { WsParamsFactory } from '@nestjs/websockets/factories/ws-params-factory.js';
import type { Ack, AckCallback } from '@switchboard/protocol';
import type { GatewaySocket } from '../gateway-socket.js';

/**
 * One command's handler with everything Nest would wrap it in (guards, pipes, interceptors,
 * the error filter), called with the arguments a Socket.IO handler gets plus the command name
 * last, as Nest's own WebSocket context does. It resolves to the answer, ok or not: the error
 * filter turns every failure into `{ ok: false, error }`.
 */
export type CommandHandler = (
  socket: GatewaySocket,
  payload: unknown,
  ack: AckCallback | undefined,
  command: string,
) => Promise<Ack<unknown>>;

/**
 * Every `@SubscribeMessage` handler of every gateway, found once at start-up and wrapped once
 * with Nest's `ExternalContextCreator` in the WebSocket context. Nest's IoAdapter builds an
 * RxJS pipeline per handler per socket instead (about 26 KB a connection); with this table a
 * connection costs nothing but its own state.
 */
@Injectable()
export class CommandTable {
  private readonly logger = new Logger(CommandTable.name);
  private handlers?: ReadonlyMap<string, CommandHandler>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contexts: ExternalContextCreator,
  ) {}

  get(command: string): CommandHandler | undefined {
    return (this.handlers ??= this.build()).get(command);
  }

  /** Every command some gateway handles. */
  names(): string[] {
    return [...(this.handlers ??= this.build()).keys()];
  }

  private build(): ReadonlyMap<string, CommandHandler> {
    const handlers = new Map<string, CommandHandler>();
    // Nest's own WebSocket parameter factory; its `data` is typed narrower than the core's.
    const params = new WsParamsFactory() as unknown as ParamsFactory;
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!wrapper.metatype || !instance || !Reflect.getMetadata(GATEWAY_METADATA, wrapper.metatype))
        continue;
      const gateway = instance as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(gateway) as object)) {
        const callback = gateway[method];
        if (typeof callback !== 'function' || !Reflect.getMetadata(MESSAGE_MAPPING_METADATA, callback))
          continue;
        const command = Reflect.getMetadata(MESSAGE_METADATA, callback) as string;
        if (handlers.has(command)) throw new Error(`two gateways handle the command "${command}"`);
        const handler = this.contexts.create(
          gateway,
          callback as (...args: unknown[]) => unknown,
          method,
          PARAM_ARGS_METADATA,
          params,
          undefined,
          undefined,
          { guards: true, interceptors: true, filters: true },
          'ws',
        );
        handlers.set(command, handler as CommandHandler);
      }
    }
    this.logger.log(`commands: ${[...handlers.keys()].join(', ')}`);
    return handlers;
  }
}
