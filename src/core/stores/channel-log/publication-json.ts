import type { Publication } from '@switchboard/protocol';
import type { AppendReceipt } from './channel-log.js';

/**
 * The publication as JSON, without its closing brace: the append script adds `offset` and
 * `epoch` once it has assigned them. `data` is serialised here, once, and never decoded by
 * Lua (cjson would turn `[]` into `{}` and round large numbers).
 */
export function publicationHead(channel: string, event: string, data: unknown, ts: number): string {
  return `{"channel":${JSON.stringify(channel)},"event":${JSON.stringify(event)},"data":${JSON.stringify(data ?? null)},"ts":${ts}`;
}

/** The fields a publication and an idempotency record share: where it stands, and when. */
type Placed = Pick<AppendReceipt, 'channel' | 'event' | 'offset' | 'epoch' | 'ts'>;

/** A JSON object written by the append script, with its place checked; throws on anything else. */
function parsePlaced(text: string, what: string): Placed & Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error(`${what} is not an object`);
  const { channel, event, offset, epoch, ts } = value as Record<string, unknown>;
  if (
    typeof channel !== 'string' ||
    typeof event !== 'string' ||
    typeof offset !== 'number' ||
    typeof epoch !== 'string' ||
    typeof ts !== 'number'
  ) {
    throw new Error(`${what} lacks channel, event, offset, epoch or ts`);
  }
  return value as Placed & Record<string, unknown>;
}

/** Parses a publication written by the append script; throws on anything else. */
export function parsePublication(text: string): Publication {
  const value = parsePlaced(text, 'publication');
  if (!('data' in value)) throw new Error('publication lacks data');
  return value as unknown as Publication;
}

/**
 * An idempotency record without its closing brace, like {@link publicationHead}: what a replay
 * answers (no payload); the append script adds `offset` and `epoch`.
 */
export function receiptHead(channel: string, event: string, ts: number, receipt?: string): string {
  const caller = receipt === undefined ? '' : `,"receipt":${JSON.stringify(receipt)}`;
  return `{"channel":${JSON.stringify(channel)},"event":${JSON.stringify(event)},"ts":${ts}${caller}`;
}

/**
 * Parses an idempotency record written by the append script (a whole publication, as records
 * were before they lost their payload, parses too: its `data` is left out).
 */
export function parseReceipt(text: string): AppendReceipt {
  const { channel, event, offset, epoch, ts, receipt } = parsePlaced(text, 'idempotency record');
  if (receipt !== undefined && typeof receipt !== 'string') {
    throw new Error('idempotency record has a receipt that is not a string');
  }
  return receipt === undefined
    ? { channel, event, offset, epoch, ts }
    : { channel, event, offset, epoch, ts, receipt };
}
