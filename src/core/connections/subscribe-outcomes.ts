import type { Counter } from 'prom-client';
import type { StreamPosition } from '@switchboard/protocol';
import type { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { NamespaceCounter } from '../../metrics/namespace-counter.js';

/** What an accepted subscribe answered: the top, and with `since` whether it was recovered. */
export interface SubscribeOutcome extends StreamPosition {
  readonly recovered?: boolean;
}

/**
 * The operations series of accepted subscribes: by namespace, and for those that resumed a
 * stream (`since`), whether the gap was filled and whether the client had fallen behind. Child
 * handles are made once, so a reconnect storm costs a map lookup per subscribe.
 */
export class SubscribeOutcomes {
  private readonly subscriptions: NamespaceCounter;
  private readonly resubscribes: NamespaceCounter;
  private readonly recovered: Counter.Internal;
  private readonly notRecovered: Counter.Internal;

  constructor(private readonly metrics: GatewayMetrics) {
    this.subscriptions = new NamespaceCounter(metrics.namespaceSubscriptions);
    this.resubscribes = new NamespaceCounter(metrics.resubscribes);
    this.recovered = metrics.recoveries.labels('recovered');
    this.notRecovered = metrics.recoveries.labels('not_recovered');
  }

  /**
   * A lag is a client in the channel's current stream (same epoch) whose position is behind the
   * top: it had missed publications, whether or not history still held them. A position from
   * another epoch is not comparable; it shows up as `not_recovered`.
   */
  accepted(namespace: string, since: StreamPosition | undefined, answer: SubscribeOutcome): void {
    this.subscriptions.inc(namespace);
    if (!since) return;
    this.resubscribes.inc(namespace);
    (answer.recovered ? this.recovered : this.notRecovered).inc();
    if (since.epoch === answer.epoch && since.offset < answer.offset) this.metrics.positionLags.inc();
  }
}
