import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { BackendCall } from '../stores/backend-call.js';
import { ServerEmitter } from '../delivery/server-emitter.js';
import { PRESENCE_STORE, type PresenceStore } from '../stores/presence/presence-store.js';
import type { PresenceUser } from '@switchboard/protocol';

/** Presence of users in channels, announced as volatile `presence.join` / `presence.leave`. */
@Injectable()
export class PresenceService {
  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    private readonly emitter: ServerEmitter,
    private readonly backend: BackendCall,
  ) {
    // Joins and leaves a shared store makes by itself (a dead instance swept) are announced
    // by the instance that made them, like those that follow from add/remove.
    this.store.onChange?.(({ channel, event, user }) => this.announce(channel, event, user));
  }

  async enter(channel: string, principal: Principal, connectionId: string): Promise<void> {
    const user = presenceUser(principal);
    const first = await this.backend.run('presence.add', () => this.store.add(channel, user, connectionId));
    if (first) this.announce(channel, 'presence.join', user);
  }

  async leave(channel: string, principal: Principal, connectionId: string): Promise<void> {
    const last = await this.backend.run('presence.remove', () =>
      this.store.remove(channel, principal.sub, connectionId),
    );
    if (last) this.announce(channel, 'presence.leave', presenceUser(principal));
  }

  list(channel: string): Promise<PresenceUser[]> {
    return this.backend.run('presence.list', () => this.store.list(channel));
  }

  private announce(channel: string, event: 'presence.join' | 'presence.leave', data: PresenceUser): void {
    this.emitter.toChannel(channel, event, { channel, event, data, ts: Date.now() });
  }
}

export function presenceUser(principal: Principal): PresenceUser {
  return principal.name === undefined
    ? { userId: principal.sub }
    : { userId: principal.sub, name: principal.name };
}
