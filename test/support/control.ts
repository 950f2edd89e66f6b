import { expect } from '@jest/globals';
import type { ClientSocket } from './socket.js';
import type { RunningGateway } from './gateway.js';
import { type HttpResult, request } from './http.js';
import { serviceToken } from './publisher.js';

export interface ChannelOccupancy {
  channel: string;
  subscribers: number;
  users: number;
}
export interface ChannelInfo extends ChannelOccupancy {
  epoch: string;
  offset: number;
}
export interface Disconnected {
  userId: string;
  disconnected: number;
}
export interface Revoked extends Disconnected {
  before: number;
}
export interface Lifted {
  userId: string;
  lifted: boolean;
}
export interface Unsubscribed {
  channel: string;
  userId: string;
  unsubscribed: number;
}

/**
 * The control API of contract §6 (v2), called as a backend with role `service` unless another
 * token (or `null` for none) is given. Paths are sent as written, so a test can send bad ids.
 */
export class ControlApi {
  constructor(
    private readonly gateway: RunningGateway,
    private readonly token: string | null = serviceToken(gateway),
  ) {}

  as(token: string | null): ControlApi {
    return new ControlApi(this.gateway, token);
  }

  channels(query = ''): Promise<HttpResult<{ channels: ChannelOccupancy[] }>> {
    return this.call('GET', `/api/v1/channels${query}`);
  }

  channel(channel: string): Promise<HttpResult<ChannelInfo>> {
    return this.call('GET', `/api/v1/channels/${channel}`);
  }

  disconnect(userId: string, body?: unknown): Promise<HttpResult<Disconnected>> {
    return this.call('POST', `/api/v1/users/${userId}/disconnect`, body);
  }

  revoke(userId: string, body?: unknown): Promise<HttpResult<Revoked>> {
    return this.call('POST', `/api/v1/users/${userId}/revoke`, body);
  }

  lift(userId: string): Promise<HttpResult<Lifted>> {
    return this.call('DELETE', `/api/v1/users/${userId}/revoke`);
  }

  kick(channel: string, userId: string): Promise<HttpResult<Unsubscribed>> {
    return this.call('DELETE', `/api/v1/channels/${channel}/subscribers/${userId}`);
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
    return request<T>(this.gateway.url, method, path, { token: this.token ?? undefined, body });
  }
}

/** `ControlApi.channel`, failing the test unless it answers 200; returns the counts only. */
export async function occupancyOf(
  api: ControlApi,
  channel: string,
): Promise<{ subscribers: number; users: number }> {
  const response = await api.channel(channel);
  if (response.status !== 200) throw new Error(`GET ${channel} answered ${response.status}`);
  return { subscribers: response.body.subscribers, users: response.body.users };
}

/** The `session.terminated` event and then the disconnect reason, in the order they arrived. */
export function ending(socket: ClientSocket): Promise<unknown[]> {
  const seen: unknown[] = [];
  socket.on('session.terminated', (event: unknown) => seen.push(event));
  return new Promise((resolve) =>
    socket.once('disconnect', (reason) => {
      seen.push(reason);
      resolve(seen);
    }),
  );
}

/** What `session.terminated` looks like for `reason`, as a Jest matcher. */
export const terminated = (reason: string, reconnect: boolean) => ({
  event: 'session.terminated',
  data: { reason, reconnect },
  ts: expect.any(Number),
});
