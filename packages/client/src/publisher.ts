/**
 * `@switchboard/client/publisher`: a typed REST publisher for Node backends (or any runtime
 * with a global `fetch`), separate from the Socket.IO client so a backend imports no
 * socket code. Every publishing call is idempotent and retried with backoff.
 */
export { SwitchboardPublisher, PUBLISHER_DEFAULTS } from './switchboard-publisher.js';
export type { CallOptions, PublisherOptions, RetryInfo } from './switchboard-publisher.js';
export { PublishError } from './publish-error.js';
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
} from '@switchboard/protocol';
