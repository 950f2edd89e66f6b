import { Inject, Injectable } from '@nestjs/common';
import { BackendCall } from '../stores/backend-call.js';
import { ChannelRegistry } from './channel-registry.js';
import { GatewayError } from '../errors/gateway.error.js';
import { CHANNEL_LOG, type ChannelLog } from '../stores/channel-log/channel-log.js';
import { OCCUPANCY_STORE, type OccupancyStore } from '../stores/occupancy/occupancy-store.js';
import type { ChannelTop } from '../stores/channel-log/publication.js';
import type { ChannelOccupancy, Occupancy } from '../stores/occupancy/occupancy-store.js';

export interface ChannelList {
  readonly channels: ChannelOccupancy[];
  /** The cursor of the next page (its `after`); absent on the last page. */
  readonly next?: string;
}

export interface ChannelInfo extends ChannelTop, Occupancy {
  readonly channel: string;
}

/** Occupancy reads of the control API: counts kept in the store, never asked of the instances. */
@Injectable()
export class OccupancyQueries {
  constructor(
    @Inject(OCCUPANCY_STORE) private readonly occupancy: OccupancyStore,
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly registry: ChannelRegistry,
    private readonly backend: BackendCall,
  ) {}

  /**
   * `prefix` is already of the form of a channel name's start; a whole namespace must exist.
   * One channel more than the page is read, to know whether another page follows.
   */
  async list(prefix: string, limit: number, after?: string): Promise<ChannelList> {
    const colon = prefix.indexOf(':');
    if (colon >= 0 && !this.registry.namespaces().includes(prefix.slice(0, colon))) {
      throw GatewayError.notFound(`unknown channel namespace "${prefix.slice(0, colon)}"`);
    }
    const found = await this.backend.run('occupancy.list', () =>
      this.occupancy.list(prefix, limit + 1, after),
    );
    const channels = found.slice(0, limit);
    return found.length > limit ? { channels, next: channels[channels.length - 1].channel } : { channels };
  }

  async channel(value: string): Promise<ChannelInfo> {
    const { channel } = this.registry.resolve(value);
    const [top, occupancy] = await Promise.all([
      this.backend.run('top', () => this.log.top(channel)),
      this.backend.run('occupancy.count', () => this.occupancy.count(channel)),
    ]);
    return { channel, epoch: top.epoch, offset: top.offset, ...occupancy };
  }
}
