import type { TimedWebhookEvent } from './webhook-outbox.store.js';

/**
 * An event's JSON without its opening brace or `seq`: the store prepends `{"seq":<n>,` once
 * it assigned the seq (in Redis, inside the script that assigns it, which has no JSON encoder
 * to rely on for exact numbers).
 */
export function eventJsonTail(event: TimedWebhookEvent): string {
  const { type, channel, ts, userId, name } = event;
  return JSON.stringify({ type, channel, ts, userId, name }).slice(1);
}

/** The event's JSON, as it travels: `{ seq, type, channel, ts, userId?, name? }`. */
export function eventJson(event: TimedWebhookEvent, seq: number): string {
  return `{"seq":${seq},${eventJsonTail(event)}`;
}

/** A request body up to its events array; the Redis script completes it as {@link batchBody} does. */
export function batchBodyHead(id: string): string {
  return `{"id":${JSON.stringify(id)},"events":[`;
}

/** A request body from events already in JSON. */
export function batchBody(id: string, events: readonly string[]): string {
  return `${batchBodyHead(id)}${events.join(',')}]}`;
}
