import { Inject, Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { NamespaceCounter } from '../../metrics/namespace-counter.js';
import { ChannelRegistry } from './channel-registry.js';
import {
  BackendUnavailableError,
  GatewayError,
  PublicationUnconfirmedError,
} from '../errors/gateway.error.js';
import {
  CHANNEL_LOG,
  type AppendRequest,
  type AppendResult,
  type ChannelLog,
} from '../stores/channel-log/channel-log.js';
import { BackendCall } from '../stores/backend-call.js';
import { eventNameProblem } from '@switchboard/protocol';

export interface PublishOptions {
  /**
   * See {@link AppendRequest.idempotencyKey}; remembered `IDEMPOTENCY_TTL_SECONDS` per channel.
   * Callers scope their keys so that sources never collide (REST `api:<key>`, `chat.send`
   * `client:<sub>:<clientId>`).
   */
  readonly idempotencyKey?: string;
  /**
   * With a key: what a replay must answer besides the position (chat and notifications: the
   * message's id), kept with the key instead of the payload. See {@link AppendRequest.receipt}.
   */
  readonly receipt?: string;
  /**
   * Who publishes, for `switchboard_idempotent_replays_total{source}` when a key replays:
   * `rest` unless said (chat says `chat`). A fixed word per call site, never user input.
   */
  readonly source?: string;
}

export interface BatchItem extends PublishOptions {
  readonly channel: string;
  readonly event: string;
  readonly data: unknown;
}

/** One item's outcome: its publication, or the contract error it failed with alone. */
export type BatchOutcome =
  { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: GatewayError };

/**
 * The one way a stored publication enters the system: REST controllers and domain
 * services call `publish` (or `publishBatch`); the log assigns the offset and feeds every
 * instance's delivery.
 */
@Injectable()
export class ChannelPublisher {
  private readonly published: NamespaceCounter;
  /** One child of the replay counter per source, made on first use. */
  private readonly replays = new Map<string, Counter.Internal>();

  constructor(
    private readonly registry: ChannelRegistry,
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly backend: BackendCall,
    private readonly metrics: GatewayMetrics,
  ) {
    this.published = new NamespaceCounter(metrics.namespacePublications);
  }

  async publish(
    channel: string,
    event: string,
    data: unknown,
    options: PublishOptions = {},
  ): Promise<AppendResult> {
    const { idempotencyKey, receipt } = options;
    const request = this.request({ channel, event, data, idempotencyKey, receipt });
    let result: AppendResult;
    try {
      result = await this.backend.run('append', () => this.log.append(request));
    } catch (error) {
      throw unconfirmed(error);
    }
    this.count(result, options.source ?? 'rest');
    return result;
  }

  /**
   * Publishes each item on its own: an invalid item or a failed append fails alone, the
   * others go to the log in one batch (items of one channel in array order).
   */
  async publishBatch(items: readonly BatchItem[]): Promise<BatchOutcome[]> {
    const outcomes = new Array<BatchOutcome>(items.length);
    const valid: { index: number; request: AppendRequest }[] = [];
    items.forEach((item, index) => {
      try {
        valid.push({ index, request: this.request(item) });
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        outcomes[index] = { ok: false, error };
      }
    });
    if (valid.length === 0) return outcomes;
    let appended;
    try {
      appended = await this.backend.run('append', () => this.log.appendBatch(valid.map((v) => v.request)));
    } catch (error) {
      const failed = unconfirmed(error);
      if (!(failed instanceof GatewayError)) throw failed;
      for (const { index } of valid) outcomes[index] = { ok: false, error: failed };
      return outcomes;
    }
    appended.forEach((outcome, i) => {
      const index = valid[i].index;
      if (outcome.ok) {
        this.count(outcome.result, 'batch');
        outcomes[index] = outcome;
      } else {
        this.metrics.brokerErrors.inc({ operation: 'append' });
        outcomes[index] = { ok: false, error: new PublicationUnconfirmedError(outcome.error) };
      }
    });
    return outcomes;
  }

  /** A new publication, or a replay answered from the idempotency record (nothing stored). */
  private count(result: AppendResult, source: string): void {
    if (result.duplicate) return this.replayCounter(source).inc();
    this.metrics.publications.inc();
    this.published.incChannel(result.channel);
  }

  private replayCounter(source: string): Counter.Internal {
    let counter = this.replays.get(source);
    if (!counter) this.replays.set(source, (counter = this.metrics.idempotentReplays.labels(source)));
    return counter;
  }

  /** Checks the channel and event (contract errors) and builds the log's request. */
  private request({ channel, event, data, idempotencyKey, receipt }: BatchItem): AppendRequest {
    const { history } = this.registry.resolve(channel);
    const problem =
      eventNameProblem(event) ??
      (this.registry.isVolatileEvent(event)
        ? `event "${event}" is a volatile event and cannot be published`
        : undefined);
    if (problem) throw GatewayError.badRequest(problem, [{ field: 'event', messages: [problem] }]);
    return { channel, event, data, keep: history, idempotencyKey, receipt };
  }
}

/** A store failure during an append: it may have happened, and the error must say so. */
function unconfirmed(error: unknown): unknown {
  return error instanceof BackendUnavailableError ? new PublicationUnconfirmedError(error.cause) : error;
}
