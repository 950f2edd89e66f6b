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
import { WsParamtype } from '@nestjs/websockets/enums/ws-paramtype.enum.js';
import type { Ack, AckCallback } from '@switchboard/protocol';
import type { PayloadClass } from '../../channels/channel-policy.js';
import type { GatewaySocket } from '../gateway-socket.js';
import { type ChannelSelector, channelSelectorOf } from './channel.guard.js';
import { COMMAND_DOC, type CommandDoc } from './command.decorator.js';

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

/** What the docs say of one command. */
export interface CommandDescription {
  readonly name: string;
  readonly doc?: CommandDoc;
  /** The DTO of its `@Payload()` parameter; absent: any JSON value. */
  readonly payload?: PayloadClass;
}

/**
 * Every `@SubscribeMessage` handler of every gateway, found once at start-up and wrapped once
 * with Nest's `ExternalContextCreator` in the WebSocket context. Nest's IoAdapter builds an
 * RxJS pipeline per handler per socket instead (about 26 KB a connection); with this table a
 * connection costs nothing but its own state.
 */
@Injectable()
export class CommandTable {
  private readonly logger = new Logger(CommandTable.name);
  private handlers?: Map<string, CommandHandler>;
  private readonly descriptions = new Map<string, CommandDescription>();
  private readonly selectors = new Map<string, ChannelSelector>();

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

  /**
   * The channel a command's payload acts on (its `@ActsOnChannel` selector, else a `channel`
   * field), which orders it behind the connection's earlier commands on that channel.
   */
  channelOf(command: string, payload: unknown): string | undefined {
    if (typeof payload !== 'object' || payload === null) return undefined;
    const fields = payload as Record<string, unknown>;
    const channel = this.selectors.get(command)?.(fields) ?? fields['channel'];
    return typeof channel === 'string' ? channel : undefined;
  }

  /** Every command, for the AsyncAPI document. */
  describe(): CommandDescription[] {
    this.handlers ??= this.build();
    return [...this.descriptions.values()];
  }

  /**
   * A command handled without a gateway class (one a backend answers over HTTP). It gets the
   * dispatcher's rate limit, size and depth checks, but no Nest guards or pipes: `handler`
   * checks and answers everything itself.
   */
  register(name: string, handler: CommandHandler, doc: CommandDoc): void {
    const handlers = (this.handlers ??= this.build());
    if (handlers.has(name)) throw new Error(`the command "${name}" is handled twice`);
    handlers.set(name, handler);
    this.descriptions.set(name, { name, doc });
  }

  private build(): Map<string, CommandHandler> {
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
        const selector = channelSelectorOf(callback);
        if (selector) this.selectors.set(command, selector);
        this.descriptions.set(command, {
          name: command,
          doc: Reflect.getMetadata(COMMAND_DOC, callback) as CommandDoc | undefined,
          payload: payloadClassOf(gateway, method),
        });
      }
    }
    this.logger.log(`commands: ${[...handlers.keys()].join(', ')}`);
    return handlers;
  }
}

/** The class of a handler's `@Payload()` / `@MessageBody()` parameter, from Nest's metadata. */
function payloadClassOf(gateway: object, method: string): PayloadClass | undefined {
  const params = (Reflect.getMetadata(PARAM_ARGS_METADATA, gateway.constructor, method) ?? {}) as Record<
    string,
    { index: number }
  >;
  const types = (Reflect.getMetadata('design:paramtypes', gateway, method) ?? []) as unknown[];
  const entry = Object.entries(params).find(([key]) => key.split(':')[0] === String(WsParamtype.PAYLOAD));
  const type = entry ? types[entry[1].index] : undefined;
  return typeof type === 'function' && type !== Object ? (type as PayloadClass) : undefined;
}
