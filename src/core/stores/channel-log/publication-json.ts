import type { Publication } from '@switchboard/protocol';

/**
 * The publication as JSON, without its closing brace: the append script adds `offset` and
 * `epoch` once it has assigned them. `data` is serialised here, once, and never decoded by
 * Lua (cjson would turn `[]` into `{}` and round large numbers).
 */
export function publicationHead(channel: string, event: string, data: unknown, ts: number): string {
  return `{"channel":${JSON.stringify(channel)},"event":${JSON.stringify(event)},"data":${JSON.stringify(data ?? null)},"ts":${ts}`;
}

/** Parses a publication written by the append script; throws on anything else. */
export function parsePublication(text: string): Publication {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('publication is not an object');
  const { channel, event, offset, epoch, ts } = value as Record<string, unknown>;
  if (
    typeof channel !== 'string' ||
    typeof event !== 'string' ||
    typeof offset !== 'number' ||
    typeof epoch !== 'string' ||
    typeof ts !== 'number' ||
    !('data' in value)
  ) {
    throw new Error('publication lacks channel, event, offset, epoch, data or ts');
  }
  return value as Publication;
}
