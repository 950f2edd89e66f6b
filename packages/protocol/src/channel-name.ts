/**
 * Channel names (`namespace:name`). The one copy of these rules: the server's validation,
 * the SDK, the demo page and the API documents all read them from here.
 */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** The name part of a channel; also the rule for a token's `sub`, a room and a user id. */
export const NAME_PART_PATTERN = /^[A-Za-z0-9_.@=|-]{1,128}$/;
/** A whole channel name, for JSON Schema `pattern`s. */
export const CHANNEL_PATTERN = /^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9_.@=|-]{1,128}$/;

/** The longest channel name: a 32-character namespace, the colon and a 128-character name. */
export const CHANNEL_MAX_LENGTH = 32 + 1 + 128;

/** A parsed `namespace:name` channel. */
export interface ChannelName {
  readonly namespace: string;
  readonly name: string;
  /** The full `namespace:name` string. */
  readonly channel: string;
}

/** Whether `value` may stand as the name part of a channel (also the rule for a `sub`). */
export function isValidNamePart(value: string): boolean {
  return NAME_PART_PATTERN.test(value);
}

export function isValidNamespace(value: string): boolean {
  return NAMESPACE_PATTERN.test(value);
}

/** Parses a channel name; `undefined` when it is not of the contract's form. */
export function parseChannel(value: unknown): ChannelName | undefined {
  if (typeof value !== 'string') return undefined;
  const colon = value.indexOf(':');
  if (colon < 0) return undefined;
  const namespace = value.slice(0, colon);
  const name = value.slice(colon + 1);
  if (!NAMESPACE_PATTERN.test(namespace) || !NAME_PART_PATTERN.test(name)) return undefined;
  return { namespace, name, channel: value };
}

export const CHANNEL_PATTERN_DESCRIPTION = `namespace:name with namespace ${NAMESPACE_PATTERN.source} and name ${NAME_PART_PATTERN.source}`;
export const NAME_PART_DESCRIPTION = `must match ${NAME_PART_PATTERN.source}`;
