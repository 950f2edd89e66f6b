import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import { ServerEmitter } from './server-emitter.js';
import { CHANNEL_LOG, type ChannelLog } from '../stores/channel-log/channel-log.js';
import { SocketServerRef } from './socket-server.ref.js';

/** Channels read per batch of one tick: bounds one pipeline's size, not the total. */
const CHUNK = 1000;

/**
 * `channel.position` (contract §4, v2): every `POSITION_INTERVAL_SECONDS`, each subscriber of
 * a history channel is told the channel's top as stored. A live delivery lost on the way (an
 * instance's feed connection dropped while a publication was made) is otherwise noticed only
 * when a later publication skips an offset, and never if none follows; with the position, a
 * client that handled less recovers with `subscribe { since }` within one interval.
 *
 * Every instance tells its own subscribers (local emit, never through the adapter), after one
 * batched read of all channels it has subscribers of: one round trip per Redis node per
 * interval, not one per socket or channel.
 */
@Injectable()
export class ChannelPositions implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChannelPositions.name);
  private timer?: NodeJS.Timeout;
  /** A tick still reading (Redis slow) makes the next one skip instead of piling up. */
  private running = false;

  constructor(
    private readonly config: AppConfig,
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly registry: ChannelRegistry,
    private readonly emitter: ServerEmitter,
    private readonly sockets: SocketServerRef,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.positionIntervalSeconds;
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.tick(), seconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One round: read every local history channel's top and tell its local subscribers. */
  async tick(): Promise<void> {
    if (this.running || !this.sockets.ready) return;
    this.running = true;
    try {
      const channels = this.localHistoryChannels();
      for (let start = 0; start < channels.length; start += CHUNK) {
        await this.announce(channels.slice(start, start + CHUNK));
      }
    } catch (error) {
      this.metrics.brokerErrors.inc({ operation: 'positions' });
      this.logger.debug(`channel positions failed: ${String(error)}`);
    } finally {
      this.running = false;
    }
  }

  private async announce(channels: string[]): Promise<void> {
    const tops = await this.log.tops(channels);
    const ts = Date.now();
    tops.forEach((top, i) => {
      const channel = channels[i];
      if (!top || channel === undefined) return;
      this.emitter.toChannelLocally(channel, 'channel.position', {
        channel,
        event: 'channel.position',
        data: { offset: top.offset, epoch: top.epoch },
        ts,
      });
      this.metrics.positionsSent.inc();
    });
  }

  /** The channel rooms this instance has sockets in (socket-id rooms have no `:`). */
  private localHistoryChannels(): string[] {
    const channels: string[] = [];
    for (const room of this.sockets.server.sockets.adapter.rooms.keys()) {
      if (!room.includes(':')) continue;
      try {
        if (this.registry.resolve(room).history) channels.push(room);
      } catch {
        // Not a channel of a known namespace: nothing to announce.
      }
    }
    return channels;
  }
}
