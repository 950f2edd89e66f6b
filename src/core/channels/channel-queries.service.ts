import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { BackendCall } from '../stores/backend-call.js';
import { ChannelAccess } from './channel-access.js';
import { GatewayError } from '../errors/gateway.error.js';
import { CHANNEL_LOG, type ChannelLog } from '../stores/channel-log/channel-log.js';
import type { HistoryPage } from '../stores/channel-log/publication.js';
import { PRESENCE_STORE, type PresenceStore } from '../stores/presence/presence-store.js';
import type { PresenceUser } from '@switchboard/protocol';

/** Read access to channels for the REST API: the same access rules as subscribing. */
@Injectable()
export class ChannelQueries {
  constructor(
    private readonly access: ChannelAccess,
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    private readonly backend: BackendCall,
  ) {}

  async history(
    principal: Principal,
    channel: string,
    since: number,
    limit: number,
  ): Promise<HistoryPage & { channel: string }> {
    await this.access.authorizeRead(principal, channel);
    const page = await this.backend.run('history', () => this.log.read(channel, since, limit));
    return { channel, epoch: page.epoch, offset: page.offset, publications: page.publications };
  }

  async presenceOf(
    principal: Principal,
    channel: string,
  ): Promise<{ channel: string; users: PresenceUser[] }> {
    const resolved = await this.access.authorizeRead(principal, channel);
    if (!resolved.presence) {
      throw GatewayError.badRequest(`channel namespace "${resolved.namespace}" has no presence`);
    }
    return { channel, users: await this.backend.run('presence.list', () => this.presence.list(channel)) };
  }
}
