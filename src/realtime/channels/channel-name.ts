const NAMESPACE = /^[a-z][a-z0-9-]{0,31}$/;
const NAME = /^[A-Za-z0-9_.@=|-]{1,128}$/;

/** A parsed `namespace:name` channel (contract §4). */
export interface ChannelName {
  readonly namespace: string;
  readonly name: string;
  /** The full `namespace:name` string. */
  readonly channel: string;
}

/** Whether `value` may stand as the name part of a channel (also the rule for a `sub`). */
export function isValidNamePart(value: string): boolean {
  return NAME.test(value);
}

export function isValidNamespace(value: string): boolean {
  return NAMESPACE.test(value);
}

/** Parses a channel name; `undefined` when it is not of the contract's form. */
export function parseChannel(value: unknown): ChannelName | undefined {
  if (typeof value !== 'string') return undefined;
  const colon = value.indexOf(':');
  if (colon < 0) return undefined;
  const namespace = value.slice(0, colon);
  const name = value.slice(colon + 1);
  if (!NAMESPACE.test(namespace) || !NAME.test(name)) return undefined;
  return { namespace, name, channel: value };
}

export const CHANNEL_PATTERN_DESCRIPTION =
  'namespace:name with namespace ^[a-z][a-z0-9-]{0,31}$ and name ^[A-Za-z0-9_.@=|-]{1,128}$';
