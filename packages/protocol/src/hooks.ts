/**
 * What the gateway sends to backends (contract §8): webhook requests, and the questions it
 * asks the backend of a backend-decided namespace. Every such request is signed as the
 * Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 */

/** The webhook event types, in the order the contract lists them (`WEBHOOK_EVENTS`' default). */
export const WEBHOOK_EVENT_TYPES = [
  'channel.occupied',
  'channel.vacated',
  'presence.joined',
  'presence.left',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One event of a webhook request. */
export interface WebhookEvent {
  readonly type: WebhookEventType;
  readonly channel: string;
  /** Per channel, cluster-wide: starts at 1 and grows by exactly 1 with each webhook event. */
  readonly seq: number;
  /** When the change happened (ms since the epoch). */
  readonly ts: number;
  /** `presence.joined` / `presence.left`: the user. */
  readonly userId?: string;
  readonly name?: string;
}

/** The body of `POST WEBHOOK_URL`; `id` is the request's `webhook-id`. */
export interface WebhookRequestBody {
  readonly id: string;
  readonly events: readonly WebhookEvent[];
}

/** The user a backend decides for (the token's claims). */
export interface HookUser {
  readonly userId: string;
  readonly name?: string;
  readonly roles: readonly string[];
  readonly channels: readonly string[];
}

/** `POST <subscribe>` of a backend-decided namespace. */
export interface SubscribeDecisionRequest {
  readonly channel: string;
  readonly user: HookUser;
}

/** The backend's 200 answer to {@link SubscribeDecisionRequest}. */
export type SubscribeDecisionAnswer =
  { readonly allow: true } | { readonly allow: false; readonly reason?: string };

/** `POST <url>` of a forwarded command; the backend answers with the command's ack. */
export interface ForwardedCommandRequest {
  readonly command: string;
  readonly payload: unknown;
  readonly user: HookUser;
}
