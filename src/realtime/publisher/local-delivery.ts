import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { CHANNEL_LOG, type ChannelLog } from '../history/channel-log.js';
import { ServerEmitter } from '../emitter/server-emitter.js';
import type { Publication } from '@switchboard/protocol';

/**
 * Emits each publication from the log's feed to this instance's own subscribers. With Redis
 * every instance receives the feed in the same order, so `local` is right in both modes and
 * a publication is never emitted twice through the adapter.
 */
@Injectable()
export class LocalDelivery implements OnModuleInit {
  constructor(
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly emitter: ServerEmitter,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.log.onPublication((publication) => this.deliver(publication));
  }

  private deliver(publication: Publication): void {
    if (!this.emitter.publicationLocally(publication)) return;
    this.metrics.deliveryLatency.observe(Math.max(0, Date.now() - publication.ts) / 1000);
  }
}
