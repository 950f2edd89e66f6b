import { VOLATILE_EVENTS } from './volatile-events.js';

/** The rule for a publication's `event` name. */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
export const EVENT_NAME_MAX_LENGTH = 64;

/**
 * Names a publication may not carry: those Socket.IO reserves on the client, `exception`,
 * and the gateway's own volatile events (a publication under one of them would be mistaken
 * for it).
 */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set<string>([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
  'error',
  'ping',
  'pong',
  'reconnect',
  'reconnect_attempt',
  'reconnect_error',
  'reconnect_failed',
  'reconnecting',
  'exception',
  ...VOLATILE_EVENTS,
]);

/** Why `event` cannot name a publication, or `undefined` when it can. */
export function eventNameProblem(event: string): string | undefined {
  if (event.length > EVENT_NAME_MAX_LENGTH)
    return `event must be at most ${EVENT_NAME_MAX_LENGTH} characters`;
  if (!EVENT_NAME_PATTERN.test(event)) return `event must match ${EVENT_NAME_PATTERN.source}`;
  if (RESERVED_EVENT_NAMES.has(event)) return `event "${event}" is reserved`;
  return undefined;
}
