import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { EventDeclaration, NamespaceDeclaration } from './channel-policy.js';

export const CHANNEL_NAMESPACE = 'switchboard:channel-namespace';
export const CHANNEL_EVENTS = 'switchboard:channel-events';

/**
 * Declares the namespace a policy provider guards; the core finds every provider so decorated
 * at start-up and registers it. The class must implement `ChannelPolicy`, and be listed in its
 * module's `providers` (it may inject anything its module provides).
 *
 * ```ts
 * @ChannelNamespace({ namespace: 'orders', history: true, presence: false, summary: '…', events: {…} })
 * export class OrdersPolicy implements ChannelPolicy { … }
 * ```
 */
export const ChannelNamespace = (declaration: NamespaceDeclaration): ClassDecorator =>
  applyDecorators(Injectable(), SetMetadata(CHANNEL_NAMESPACE, declaration));

/** Events a provider publishes into a namespace that another module owns. */
export interface ChannelEventsDeclaration {
  readonly namespace: string;
  readonly events: Readonly<Record<string, EventDeclaration>>;
}

/**
 * Declares the events a provider publishes into a namespace it does not own (notifications
 * into the core's `user:`), so the AsyncAPI document lists them with that namespace.
 */
export const ChannelEvents = (
  namespace: string,
  events: ChannelEventsDeclaration['events'],
): ClassDecorator => SetMetadata(CHANNEL_EVENTS, { namespace, events } satisfies ChannelEventsDeclaration);
