import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { CHANNEL_LOG, type ChannelLog } from '../history/channel-log.js';
import type { Publication } from '../history/publication.js';
import { SocketServerRef } from '../socket-server.ref.js';
import { channelRoom } from '../channels/channel-room.js';

/**
 * Emits each publication from the log's feed to this instance's own subscribers. With Redis
 * every instance receives the feed in the same order, so `local` is right in both modes and
 * a publication is never emitted twice through the adapter.
 */
@Injectable()
export class LocalDelivery implements OnModuleInit {
  constructor(
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly sockets: SocketServerRef,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.log.onPublication((publication) => this.deliver(publication));
  }

  private deliver(publication: Publication): void {
    if (!this.sockets.ready) return;
    this.sockets.server.local.to(channelRoom(publication.channel)).emit(publication.event, publication);
    this.metrics.deliveryLatency.observe(Math.max(0, Date.now() - publication.ts) / 1000);
  }
}
