import { request, type HttpResult } from './http.js';
import type { RunningGateway } from './gateway.js';
import { type ClientSocket, waitForEvent } from './socket.js';

export interface Published {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
}

/** A token with role `service`, as a backend calling the REST API would hold. */
export function serviceToken(gateway: RunningGateway): string {
  return gateway.token({ sub: 'backend', roles: ['service'] });
}

/** `POST /api/v1/publish` as a service; fails the test unless it answers 201. */
export async function publish(
  gateway: RunningGateway,
  channel: string,
  event: string,
  data: unknown = null,
  token = serviceToken(gateway),
): Promise<Published> {
  const response: HttpResult<Published> = await request<Published>(gateway.url, 'POST', '/api/v1/publish', {
    token,
    body: { channel, event, data },
  });
  if (response.status !== 201) {
    throw new Error(`publish to ${channel} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * Publishes a marker to `channel` (which `socket` receives) and waits for it. Publications to
 * one socket leave the server in order, so everything published to it before has arrived.
 */
export async function barrier(gateway: RunningGateway, socket: ClientSocket, channel: string): Promise<void> {
  const marker = `m${Math.random().toString(36).slice(2)}`;
  const arrived = waitForEvent(socket, 'test.barrier', { filter: (p) => p['data'] === marker });
  await publish(gateway, channel, 'test.barrier', marker);
  await arrived;
}
