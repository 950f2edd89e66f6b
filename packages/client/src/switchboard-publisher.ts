import {
  IDEMPOTENCY_KEY_HEADER,
  type BatchAnswer,
  type BatchItemResult,
  type BatchPublication,
  type ChatMessageAnswer,
  type HistoryAnswer,
  type NotificationAnswer,
  type NotificationRequest,
  type PublishedAnswer,
  type RestErrorBody,
} from '@switchboard/protocol';
import { PublishError } from './publish-error.js';
import { retryAfterMs, retryDelay, type RetrySchedule } from './retry-schedule.js';

export interface PublisherOptions extends Partial<RetrySchedule> {
  /** The gateway's base URL, e.g. `http://switchboard:3000` (`/api/v1` is added). */
  readonly url: string;
  /** A role `service` token, or a function returning one (asked before every attempt). */
  readonly token: string | (() => string | Promise<string>);
  /** Attempts per call in all, the first included (default 6). */
  readonly maxAttempts?: number;
  /** How long one attempt may take before it counts as a network failure (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Told about every retry (for logs or metrics). */
  readonly onRetry?: (retry: RetryInfo) => void;
}

export interface RetryInfo {
  readonly method: string;
  readonly path: string;
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: PublishError;
}

export interface CallOptions {
  /**
   * The idempotency key of this logical call; default a fresh random one. Pass your own
   * (an order id and a step, say) to make retries across process restarts safe too.
   */
  readonly idempotencyKey?: string;
}

export const PUBLISHER_DEFAULTS = {
  maxAttempts: 6,
  retryDelayMs: 100,
  maxDelayMs: 5_000,
  timeoutMs: 10_000,
} as const;

/** Statuses that mean "not now": the gateway or the balancer in front of it will recover. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PublishError; readonly retryAfterMs: number };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const newKey = (): string => globalThis.crypto.randomUUID();

/**
 * A typed REST publisher for Node backends (`@switchboard/client/publisher`): publish, batch,
 * notifications, chat system messages and history, over the global `fetch`.
 *
 * Every publishing call carries an `Idempotency-Key` (random per logical call, the same on
 * each of its retries), so it retries 503s, 502/504s from a balancer, 429s, network errors and
 * timeouts with backoff without ever publishing twice: a 503 may hide a stored publication,
 * and the retry with the same key returns it instead of storing it again (contract §6).
 */
export class SwitchboardPublisher {
  private readonly base: string;
  private readonly options: Required<Omit<PublisherOptions, 'onRetry'>> & Pick<PublisherOptions, 'onRetry'>;

  constructor(options: PublisherOptions) {
    this.options = { ...PUBLISHER_DEFAULTS, ...options };
    this.base = `${options.url.replace(/\/+$/, '')}/api/v1`;
  }

  /** `POST /api/v1/publish` */
  publish<T>(channel: string, event: string, data: T, options: CallOptions = {}): Promise<PublishedAnswer> {
    return this.call('POST', '/publish', { channel, event, data }, options.idempotencyKey ?? newKey());
  }

  /**
   * `POST /api/v1/publish/batch`: results in request order. Items without an
   * `idempotencyKey` get a random one, so the whole call and any item that failed with a
   * passing error (503) are retried safely. A retried item lands after the items of its
   * channel that had succeeded meanwhile.
   */
  async publishBatch(publications: readonly BatchPublication[]): Promise<BatchItemResult[]> {
    const keyed = publications.map((p) => ({ ...p, idempotencyKey: p.idempotencyKey ?? newKey() }));
    const results = new Array<BatchItemResult>(keyed.length);
    let pending = keyed.map((_, index) => index);
    for (let round = 1; ; round++) {
      const answer = await this.call<BatchAnswer>('POST', '/publish/batch', {
        publications: pending.map((index) => keyed[index]),
      });
      const again: number[] = [];
      answer.results.forEach((result, i) => {
        const index = pending[i];
        if (index === undefined) return;
        results[index] = result;
        if ('error' in result && RETRYABLE_STATUS.has(result.error.statusCode)) again.push(index);
      });
      if (again.length === 0 || round >= this.options.maxAttempts) return results;
      await sleep(retryDelay(this.options, round));
      pending = again;
    }
  }

  /** `POST /api/v1/notifications` */
  notify<T>(notification: NotificationRequest<T>, options: CallOptions = {}): Promise<NotificationAnswer> {
    return this.call('POST', '/notifications', notification, options.idempotencyKey ?? newKey());
  }

  /** `POST /api/v1/chat/rooms/:room/messages` (a system message). */
  chatMessage(room: string, text: string, options: CallOptions = {}): Promise<ChatMessageAnswer> {
    const path = `/chat/rooms/${encodeURIComponent(room)}/messages`;
    return this.call('POST', path, { text }, options.idempotencyKey ?? newKey());
  }

  /** `GET /api/v1/channels/:channel/history` (retried like the rest: a read is safe to repeat). */
  history<T = unknown>(
    channel: string,
    query: { since?: number; limit?: number } = {},
  ): Promise<HistoryAnswer<T>> {
    const params = new URLSearchParams();
    if (query.since !== undefined) params.set('since', String(query.since));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return this.call('GET', `/channels/${encodeURIComponent(channel)}/history${search}`);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt<T>(method, path, body, idempotencyKey, attempt);
      if (outcome.ok) return outcome.value;
      const { error } = outcome;
      if (!error.retryable || attempt >= this.options.maxAttempts) throw error;
      const delayMs = retryDelay(this.options, attempt, outcome.retryAfterMs);
      this.options.onRetry?.({ method, path, attempt, delayMs, error });
      await sleep(delayMs);
    }
  }

  private async attempt<T>(
    method: string,
    path: string,
    body: unknown,
    idempotencyKey: string | undefined,
    attempt: number,
  ): Promise<Attempt<T>> {
    const token = typeof this.options.token === 'string' ? this.options.token : await this.options.token();
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(idempotencyKey !== undefined && { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      // Duck-typed: the abort's DOMException may come from another realm than this Error.
      const { name, message: reason } = (cause ?? {}) as { name?: unknown; message?: unknown };
      const what = name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : 'failed';
      const message = `${method} ${path} ${what}: ${typeof reason === 'string' ? reason : String(cause)}`;
      const error = new PublishError(message, undefined, undefined, true, attempt, { cause });
      return { ok: false, error, retryAfterMs: 0 };
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (response.ok) return { ok: true, value: json as T };
    const errorBody = isErrorBody(json) ? json : undefined;
    const detail = errorBody ? [errorBody.message].flat().join('; ') : text.slice(0, 200);
    const error = new PublishError(
      `${method} ${path} answered ${response.status}: ${detail}`,
      response.status,
      errorBody,
      RETRYABLE_STATUS.has(response.status),
      attempt,
    );
    return { ok: false, error, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is RestErrorBody {
  return (
    typeof value === 'object' && value !== null && typeof (value as RestErrorBody).statusCode === 'number'
  );
}
