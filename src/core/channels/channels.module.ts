import { Module, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StoresModule } from '../stores/stores.module.js';
import { ChannelAccess } from './channel-access.js';
import { ChannelPublisher } from './channel-publisher.js';
import { ChannelQueries } from './channel-queries.service.js';
import { ChannelRegistry } from './channel-registry.js';
import { OccupancyQueries } from './occupancy-queries.service.js';
import { UserChannelPolicy } from './user-channel.policy.js';

/**
 * Channels and their streams: which namespaces exist and who may use them (policies), the one
 * way a publication enters the system (the publisher), and the reads of a channel's history,
 * presence and occupancy.
 */
@Module({
  imports: [StoresModule, DiscoveryModule],
  providers: [ChannelRegistry, ChannelAccess, ChannelPublisher, ChannelQueries, OccupancyQueries],
  exports: [ChannelRegistry, ChannelAccess, ChannelPublisher, ChannelQueries, OccupancyQueries],
})
export class ChannelsModule implements OnModuleInit {
  constructor(private readonly registry: ChannelRegistry) {}

  onModuleInit(): void {
    this.registry.register(UserChannelPolicy.declaration, new UserChannelPolicy());
  }
}
