import { VOLATILE_EVENTS } from '../realtime.events.js';

export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
export const EVENT_NAME_MAX_LENGTH = 64;

/** Names Socket.IO reserves on the client, plus the contract's own non-publication events. */
const RESERVED = new Set<string>([
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
  if (RESERVED.has(event)) return `event "${event}" is reserved`;
  return undefined;
}
