import type {
  ExceptionEvent,
  Publication,
  ServerEvents,
  SessionExpiredEvent,
  SessionTerminatedEvent,
  SubscriptionRevokedEvent,
} from '@switchboard/protocol';
import type { Subscription } from './subscription.js';

export interface RouteTargets {
  subscription(channel: string): Subscription | undefined;
  sessionExpired(event: SessionExpiredEvent): void;
  sessionTerminated(event: SessionTerminatedEvent): void;
  revoked(event: SubscriptionRevokedEvent, subscription: Subscription | undefined): void;
  exception(event: ExceptionEvent): void;
}

function isPublication(payload: unknown): payload is Publication {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  return typeof p.channel === 'string' && typeof p.offset === 'number' && typeof p.epoch === 'string';
}

/**
 * Dispatches one server event: stored publications (any event name, known by their offset
 * and epoch) to their channel's subscription; the connection's own events and
 * `channel.position` (whose offset sits in `data`) by name; any other event that names a
 * subscribed channel to that subscription, by name.
 * Events of channels the app did not subscribe to through the SDK are ignored.
 */
export function routeServerEvent(event: string, payload: unknown, targets: RouteTargets): void {
  if (isPublication(payload)) return targets.subscription(payload.channel)?.receive(payload);
  const channel = (payload as { channel?: unknown } | null)?.channel;
  const subscription = typeof channel === 'string' ? targets.subscription(channel) : undefined;
  switch (event) {
    case 'channel.position':
      return subscription?.observePosition(payload as ServerEvents[typeof event]);
    case 'session.expired':
      return targets.sessionExpired(payload as ServerEvents[typeof event]);
    case 'session.terminated':
      return targets.sessionTerminated(payload as ServerEvents[typeof event]);
    case 'subscription.revoked':
      return targets.revoked(payload as ServerEvents[typeof event], subscription);
    case 'exception':
      return targets.exception(payload as ServerEvents[typeof event]);
    default:
      // Any other event naming a channel is one of its volatile events (presence, chat.typing,
      // whatever a module declares): its subscription emits it by name, no list to keep here.
      return subscription?.volatile(event, payload);
  }
}
