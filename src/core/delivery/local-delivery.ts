import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { NamespaceCounter } from '../../metrics/namespace-counter.js';
import { CHANNEL_LOG, type ChannelLog } from '../stores/channel-log/channel-log.js';
import { ServerEmitter } from './server-emitter.js';
import type { Publication } from '@switchboard/protocol';

/**
 * Emits each publication from the log's feed to this instance's own subscribers. With Redis
 * every instance receives the feed in the same order, so `local` is right in both modes and
 * a publication is never emitted twice through the adapter.
 *
 * Its metrics cost the same per publication whatever the fan-out: the receiving sockets are
 * the room's size and deliveries are added in one increment, never counted per socket.
 */
@Injectable()
export class LocalDelivery implements OnModuleInit {
  private readonly delivered: NamespaceCounter;

  constructor(
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly emitter: ServerEmitter,
    private readonly metrics: GatewayMetrics,
  ) {
    this.delivered = new NamespaceCounter(metrics.deliveries);
  }

  onModuleInit(): void {
    this.log.onPublication((publication, json) => this.deliver(publication, json));
  }

  private deliver(publication: Publication, json?: string): void {
    const started = performance.now();
    const sockets = this.emitter.publicationLocally(publication, json);
    if (sockets < 0) return;
    const emitSeconds = (performance.now() - started) / 1000;
    this.metrics.deliveryLatency.observe(Math.max(0, Date.now() - publication.ts) / 1000);
    this.metrics.fanOut.observe(sockets);
    if (sockets === 0) return;
    this.metrics.localEmit.observe(emitSeconds);
    this.delivered.incChannel(publication.channel, sockets);
  }
}
