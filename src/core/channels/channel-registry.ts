import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { GatewayError } from '../errors/gateway.error.js';
import {
  CHANNEL_EVENTS,
  CHANNEL_NAMESPACE,
  type ChannelEventsDeclaration,
} from './channel-namespace.decorator.js';
import type {
  ChannelPolicy,
  EventDeclaration,
  NamespaceDeclaration,
  NamespaceEntry,
} from './channel-policy.js';
import {
  CHANNEL_PATTERN_DESCRIPTION,
  isValidNamespace,
  parseChannel,
  type ChannelName,
} from '@switchboard/protocol';

export interface ResolvedChannel extends ChannelName {
  /** The namespace keeps publications in history. */
  readonly history: boolean;
  /** The namespace tracks presence. */
  readonly presence: boolean;
  readonly policy: ChannelPolicy;
}

/**
 * The namespaces this gateway knows: every provider declared with `@ChannelNamespace`, found at
 * start-up, and those registered in code (the core's `user`, the backend-decided ones). A
 * channel in any other namespace does not exist (`NOT_FOUND`).
 */
@Injectable()
export class ChannelRegistry implements OnModuleInit {
  private readonly entries = new Map<string, NamespaceEntry>();
  /** Events declared by modules that publish into a namespace they do not own. */
  private readonly guestEvents: ChannelEventsDeclaration[] = [];
  /** Built on first use, after every namespace is declared; dropped when one is added. */
  private volatileEvents?: Set<string>;

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const declaration = Reflect.getMetadata(CHANNEL_NAMESPACE, wrapper.metatype) as
        NamespaceDeclaration | undefined;
      if (declaration) this.register(declaration, wrapper.instance as ChannelPolicy);
      const events = Reflect.getMetadata(CHANNEL_EVENTS, wrapper.metatype) as
        ChannelEventsDeclaration | undefined;
      if (events) this.guestEvents.push(events);
      this.volatileEvents = undefined;
    }
  }

  register(declaration: NamespaceDeclaration, policy: ChannelPolicy): void {
    const { namespace } = declaration;
    if (!isValidNamespace(namespace)) throw new Error(`"${namespace}" is not a valid channel namespace`);
    if (this.entries.has(namespace)) throw new Error(`channel namespace "${namespace}" is declared twice`);
    if (typeof policy.canSubscribe !== 'function') {
      throw new Error(`the policy of channel namespace "${namespace}" has no canSubscribe method`);
    }
    this.entries.set(namespace, { declaration, policy });
    this.volatileEvents = undefined;
  }

  /** Parses and resolves a channel: `BAD_REQUEST` if malformed, `NOT_FOUND` if unknown namespace. */
  resolve(value: unknown): ResolvedChannel {
    const parsed = parseChannel(value);
    if (!parsed) {
      throw GatewayError.badRequest(`invalid channel name: expected ${CHANNEL_PATTERN_DESCRIPTION}`, [
        { field: 'channel', messages: [`channel must be ${CHANNEL_PATTERN_DESCRIPTION}`] },
      ]);
    }
    const entry = this.entries.get(parsed.namespace);
    if (!entry) throw GatewayError.notFound(`unknown channel namespace "${parsed.namespace}"`);
    const { history, presence } = entry.declaration;
    const { namespace, name, channel } = parsed;
    return { namespace, name, channel, history, presence, policy: entry.policy };
  }

  /**
   * Whether some namespace declares `event` volatile: no publication may carry its name (a
   * client could not tell the two apart). The core's own volatile names are the protocol's.
   */
  isVolatileEvent(event: string): boolean {
    this.volatileEvents ??= new Set(
      this.declarations().flatMap(({ events = {} }) =>
        Object.entries(events)
          .filter(([, declaration]) => declaration.volatile === true)
          .map(([name]) => name),
      ),
    );
    return this.volatileEvents.has(event);
  }

  has(namespace: string): boolean {
    return this.entries.has(namespace);
  }

  namespaces(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Every namespace's declaration, for the AsyncAPI document, with the events other modules
   * declared for it merged in.
   */
  declarations(): NamespaceDeclaration[] {
    return [...this.entries.values()].map(({ declaration }) => {
      const guests = this.guestEvents.filter(({ namespace }) => namespace === declaration.namespace);
      if (guests.length === 0) return declaration;
      const events: Record<string, EventDeclaration> = { ...declaration.events };
      for (const guest of guests) Object.assign(events, guest.events);
      return { ...declaration, events };
    });
  }
}
