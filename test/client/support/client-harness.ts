import jwt from 'jsonwebtoken';
import { createApp } from '../../../src/app.factory.js';
import type { Publication } from '@switchboard/client';
import type { TypedEmitter } from '@switchboard/client';
import { leaveIdleConnectionsToClients, TEST_SECRET, type RunningGateway } from '../../support/gateway.js';
import { request } from '../../support/http.js';

/**
 * The real application on a chosen loopback port, so a test can close it and start a new one
 * where clients reconnect (startGateway always takes a free port).
 */
export async function startGatewayOn(
  port: number,
  env: Record<string, string> = {},
): Promise<RunningGateway> {
  const settings = {
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    PORT: String(port),
    ...env,
  };
  const app = await createApp(settings);
  leaveIdleConnectionsToClients(app);
  await app.listen(port, '127.0.0.1');
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    port,
    token: (claims, options = {}) =>
      jwt.sign(claims, settings.JWT_SECRET, { algorithm: 'HS256', expiresIn: 3600, ...options }),
    close: () => app.close(),
  };
}

/** `POST /api/v1/publish` as a service; fails unless 201. */
export async function publish(
  gateway: RunningGateway,
  channel: string,
  event: string,
  data: unknown = null,
): Promise<{ offset: number; epoch: string }> {
  const token = gateway.token({ sub: 'backend', roles: ['service'] });
  const response = await request<{ offset: number; epoch: string }>(gateway.url, 'POST', '/api/v1/publish', {
    token,
    body: { channel, event, data },
  });
  if (response.status !== 201) throw new Error(`publish answered ${response.status}`);
  return response.body;
}

/** The next `event` of an SDK emitter (client or subscription) that matches `filter`. */
export function nextEvent<Events extends object, K extends keyof Events>(
  emitter: TypedEmitter<Events>,
  event: K,
  {
    timeoutMs = 10_000,
    filter = () => true,
  }: { timeoutMs?: number; filter?: (p: Events[K]) => boolean } = {},
): Promise<Events[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${String(event)}"`));
    }, timeoutMs);
    const off = emitter.on(event, (payload) => {
      if (!filter(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** A subscription handler that records what it is given and can be awaited. */
export class Received<T = unknown> {
  readonly publications: Publication<T>[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  readonly handler = (publication: Publication<T>): void => {
    this.publications.push(publication);
    this.waiters = this.waiters.filter((w) =>
      this.publications.length >= w.count ? (w.resolve(), false) : true,
    );
  };

  get offsets(): number[] {
    return this.publications.map((p) => p.offset);
  }

  /** Resolves once `count` publications in all have been handed over. */
  until(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.publications.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`got ${this.publications.length} of ${count} publications: ${this.offsets.join()}`),
          ),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}
