import { Redis } from 'ioredis';
import { startGateway, type RunningGateway } from '../../support/gateway.js';
import type { ClientSocket } from '../../support/socket.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from './redis-keyspace.js';

/**
 * Two gateway instances on the shared test Redis under a key prefix of their own, plus a
 * Redis client for assertions; `stop()` closes the tracked sockets, both gateways and
 * deletes every key the pair wrote.
 */
export class GatewayPair {
  readonly prefix: string;
  /** Connected by its first command: a pair whose tests are all filtered out (`-t`) opens nothing. */
  readonly redis = new Redis(testRedisUrl(), { lazyConnect: true });
  private readonly sockets: ClientSocket[] = [];
  private gateways: RunningGateway[] = [];

  constructor(private readonly name: string) {
    this.prefix = uniquePrefix(name);
  }

  async start(env: Record<string, string> = {}): Promise<[RunningGateway, RunningGateway]> {
    const shared = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: this.prefix, ...env };
    const a = await startGateway({ ...shared, INSTANCE_ID: `${this.name}-a` });
    const b = await startGateway({ ...shared, INSTANCE_ID: `${this.name}-b` });
    this.gateways = [a, b];
    return [a, b];
  }

  /** Closes these sockets in {@link stop}. */
  track(...sockets: ClientSocket[]): void {
    this.sockets.push(...sockets);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.close();
    for (const gateway of this.gateways) await gateway.close();
    if (this.gateways.length === 0 && this.redis.status === 'wait') return this.redis.disconnect();
    await deleteKeys(this.redis, this.prefix);
    await this.redis.quit();
  }
}
