/**
 * `@switchboard/client/publisher`: a typed REST publisher for Node backends (or any runtime
 * with a global `fetch`), separate from the Socket.IO client so a backend imports no
 * socket code. Every publishing call is idempotent and retried with backoff. `verifyWebhook`
 * checks the signature of what the gateway sends to backends (webhooks, hook questions).
 */
export { SwitchboardPublisher, PUBLISHER_DEFAULTS } from './switchboard-publisher.js';
export type { CallOptions, PublisherOptions, RetryInfo } from './switchboard-publisher.js';
export { PublishError } from './publish-error.js';
export { verifyWebhook, WebhookVerificationError } from './verify-webhook.js';
export type { WebhookHeaders } from './verify-webhook.js';
export type { RetrySchedule } from './retry-schedule.js';
export type {
  BatchItemFailure,
  BatchItemResult,
  BatchPublication,
  ChatMessageAnswer,
  HistoryAnswer,
  NotificationAnswer,
  NotificationRequest,
  PublishedAnswer,
  PublishRequest,
  RestErrorBody,
  ForwardedCommandRequest,
  HookUser,
  SubscribeDecisionAnswer,
  SubscribeDecisionRequest,
  WebhookEvent,
  WebhookEventType,
  WebhookRequestBody,
} from '@switchboard/protocol';
