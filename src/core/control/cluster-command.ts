import { isValidNamePart, parseChannel } from '@switchboard/protocol';

/**
 * A control action every instance applies to its own connections (see `ClusterCommands`).
 * One union, one Socket.IO server-side event: adding an action is adding a member here.
 */
export type ClusterCommand =
  | { readonly kind: 'disconnect'; readonly userId: string; readonly reconnect: boolean }
  | { readonly kind: 'revoke'; readonly userId: string; readonly before: number; readonly until: number }
  | { readonly kind: 'kick'; readonly channel: string; readonly userId: string }
  | { readonly kind: 'lift'; readonly userId: string };

export type ClusterCommandKind = ClusterCommand['kind'];

/** The one server-side event name the commands travel under (`serverSideEmit`). */
export const CLUSTER_COMMAND_EVENT = 'switchboard.command';

/** Socket.IO's inter-server events map: a command, answered with this instance's count. */
export interface InterServerEvents {
  [CLUSTER_COMMAND_EVENT]: (command: unknown, ack: (affected: number) => void) => void;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const isUserId = (value: unknown): value is string => typeof value === 'string' && isValidNamePart(value);
const isInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value);

/**
 * A command as another instance sent it, checked: instances of another version (a rolling
 * deploy) may send what this one does not know, which is then ignored, never half-applied.
 */
export function parseClusterCommand(value: unknown): ClusterCommand | undefined {
  if (!isRecord(value) || !isUserId(value['userId'])) return undefined;
  const userId = value['userId'];
  switch (value['kind']) {
    case 'disconnect':
      return typeof value['reconnect'] === 'boolean'
        ? { kind: 'disconnect', userId, reconnect: value['reconnect'] }
        : undefined;
    case 'revoke':
      return isInteger(value['before']) && isInteger(value['until'])
        ? { kind: 'revoke', userId, before: value['before'], until: value['until'] }
        : undefined;
    case 'kick':
      return parseChannel(value['channel'])
        ? { kind: 'kick', userId, channel: String(value['channel']) }
        : undefined;
    case 'lift':
      return { kind: 'lift', userId };
    default:
      return undefined;
  }
}
