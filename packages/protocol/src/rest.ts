import type { Publication } from './publication.js';

/**
 * The REST API's bodies (contract §6) that backends send and receive, shared by the server's
 * DTOs and the SDK's publisher (`@switchboard/client/publisher`).
 */

/** `Idempotency-Key` header and batch `idempotencyKey`: what a key may be. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * What serializers write for an unset value when they turn it into text (a header, a
 * template). Never a key (contract v3 §5: a `null` never becomes a key), so every call
 * that forgot its key would not share one: `Idempotency-Key`, batch `idempotencyKey` and
 * `chat.send` `clientId` refuse them.
 */
export const isUnsetValueText = (value: string): boolean => value === 'null' || value === 'undefined';

/** Why `value` cannot be an idempotency key named `name`, or `undefined` when it can. */
export function idempotencyKeyProblem(value: unknown, name: string): string | undefined {
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(value)) {
    return `${name} must match ^[A-Za-z0-9_.:-]{1,128}$`;
  }
  if (isUnsetValueText(value)) return `${name} must not be "${value}" (an unset value is no key)`;
  return undefined;
}
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** `true` on an answer that replays an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
/** Publications per `POST /api/v1/publish/batch`. */
export const BATCH_MAX_PUBLICATIONS = 100;

/** `POST /api/v1/publish` */
export interface PublishRequest<T = unknown> {
  readonly channel: string;
  readonly event: string;
  /** Any JSON value; `null` for none. */
  readonly data: T;
}

/** 201 of `POST /api/v1/publish`, and a successful batch item. */
export interface PublishedAnswer {
  readonly channel: string;
  readonly event: string;
  readonly offset: number;
  readonly epoch: string;
}

/** One item of `POST /api/v1/publish/batch`. */
export interface BatchPublication<T = unknown> extends PublishRequest<T> {
  readonly idempotencyKey?: string;
}

/** A batch item that failed on its own. */
export interface BatchItemFailure {
  /** `null` when the item's channel was not a string. */
  readonly channel: string | null;
  readonly error: { readonly statusCode: number; readonly message: string | string[] };
}

/** A published batch item; `replayed` when its `idempotencyKey` answered from an earlier publication. */
export interface BatchItemPublished extends PublishedAnswer {
  readonly replayed?: true;
}

export type BatchItemResult = BatchItemPublished | BatchItemFailure;

/** 200 of `POST /api/v1/publish/batch`: one result per item, in request order. */
export interface BatchAnswer {
  readonly results: readonly BatchItemResult[];
}

/** `POST /api/v1/notifications` */
export interface NotificationRequest<T = unknown> {
  readonly userId: string;
  readonly title: string;
  readonly body?: string;
  readonly data?: T;
}

/** 201 of `POST /api/v1/notifications` */
export interface NotificationAnswer {
  readonly id: string;
  readonly channel: string;
  readonly offset: number;
}

/** 201 of `POST /api/v1/chat/rooms/:room/messages` */
export interface ChatMessageAnswer {
  readonly id: string;
  readonly offset: number;
}

/** 200 of `GET /api/v1/channels/:channel/history` */
export interface HistoryAnswer<T = unknown> {
  readonly channel: string;
  readonly epoch: string;
  readonly offset: number;
  readonly publications: readonly Publication<T>[];
}

/** Every REST error: the NestJS error body. */
export interface RestErrorBody {
  readonly statusCode: number;
  readonly message: string | string[];
  readonly error?: string;
}
