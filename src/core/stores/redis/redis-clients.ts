import { Logger } from '@nestjs/common';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { RedisTopology } from '../../../config/app-config.js';
import type { RedisClient } from './lua-script.js';
import type { RedisEvents, RedisRole } from './redis-events.js';
import { withTimeout } from './with-timeout.js';

export interface RedisClientsOptions {
  /** A command without an answer after this fails (Redis hung): callers answer 503 meanwhile. */
  readonly commandTimeoutMs: number;
  /** Start-up fails when Redis cannot be reached within this. */
  readonly connectTimeoutMs: number;
  readonly events?: RedisEvents;
}

type Role = 'command' | 'feed' | 'adapter';

const ROLE: Record<Role, RedisRole> = { command: 'commands', feed: 'subscriber', adapter: 'subscriber' };

/** ioredis announces each status it enters with an event of the same name. */
const STATES = ['connect', 'ready', 'close', 'reconnecting', 'end'] as const;
type State = (typeof STATES)[number] | 'error';

/** Repeated on every retry during an outage: logged once per outage at info, then at debug. */
const RETRY_STATES: ReadonlySet<State> = new Set(['close', 'reconnecting', 'error']);

/** Reconnect quickly and forever: an outage ends by itself when Redis returns. */
const retryDelay = (attempt: number): number => Math.min(100 * attempt, 2_000);

/**
 * How each client behaves while Redis is down:
 * - `command` (scripts, presence, connection slots, the adapter's publishes) fails at once
 *   (no offline queue, no retry of a command in flight: an append must never run twice),
 *   so REST answers 503 instead of hanging;
 * - `feed` (publication feeds) fails a subscribe at once too; the feed resubscribes itself;
 * - `adapter` (the Socket.IO adapter's subscriptions) queues its subscribes until Redis is
 *   back, because the adapter issues them fire-and-forget and never repeats them.
 */
function redisOptions(role: Role, options: RedisClientsOptions): RedisOptions {
  const failFast = role !== 'adapter';
  return {
    lazyConnect: true,
    connectionName: `switchboard-${role}`,
    connectTimeout: options.connectTimeoutMs,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 0 : null,
    autoResendUnfulfilledCommands: !failFast,
    autoResubscribe: role === 'adapter',
    ...(role === 'command' && { commandTimeout: options.commandTimeoutMs }),
  };
}

function createClient(
  topology: Exclude<RedisTopology, { kind: 'none' }>,
  role: Role,
  options: RedisClientsOptions,
): RedisClient {
  const { enableOfflineQueue, ...nodeOptions } = redisOptions(role, options);
  if (topology.kind === 'single')
    return new Redis(topology.url, { ...nodeOptions, enableOfflineQueue, retryStrategy: retryDelay });
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    enableOfflineQueue,
    clusterRetryStrategy: retryDelay,
    // Subscribers of shard channels: one connection per master, resubscribed on topology changes.
    shardedSubscribers: role !== 'command',
    redisOptions: nodeOptions,
  };
  return new Cluster(topology.nodes, clusterOptions);
}

/**
 * The backend's three Redis connections (three per node in a cluster). Every client has an
 * `error` listener (an unhandled `error` event would crash the process). Each state change is
 * one structured log line (`event: 'redis.state'`) and every error and reconnect attempt is
 * reported to {@link RedisEvents}; the lines an outage repeats on every retry are logged once
 * per outage, then at debug.
 */
export class RedisClients {
  private readonly logger = new Logger(RedisClients.name);
  /** The socket-level reason (ECONNREFUSED…), which `connect()` itself does not carry. */
  private lastError?: string;

  private constructor(
    readonly command: RedisClient,
    readonly feed: RedisClient,
    readonly adapter: RedisClient,
    readonly sharded: boolean,
    private readonly events: RedisEvents,
  ) {
    for (const [connection, client] of this.all) this.watch(connection, client);
  }

  static async connect(
    topology: Exclude<RedisTopology, { kind: 'none' }>,
    options: RedisClientsOptions,
  ): Promise<RedisClients> {
    const clients = new RedisClients(
      createClient(topology, 'command', options),
      createClient(topology, 'feed', options),
      createClient(topology, 'adapter', options),
      topology.kind === 'cluster',
      options.events ?? {},
    );
    try {
      await Promise.all(
        clients.all.map(([role, client]) =>
          withTimeout(client.connect(), options.connectTimeoutMs, `connect ${role}`),
        ),
      );
    } catch (error) {
      for (const [, client] of clients.all) client.disconnect();
      const where = topology.kind === 'single' ? 'REDIS_URL' : 'REDIS_CLUSTER_NODES';
      const reason = clients.lastError ?? (error instanceof Error ? error.message : String(error));
      throw new Error(`${where}: Redis is unreachable: ${reason}`, { cause: error });
    }
    return clients;
  }

  /** Whether every connection is up right now. */
  get connected(): boolean {
    return this.all.every(([, client]) => client.status === 'ready');
  }

  async close(): Promise<void> {
    await Promise.all(
      this.all.map(async ([, client]) => {
        if (client.status === 'end') return;
        // `quit` resolves on Redis' OK, before the socket closes: waiting for `end` lets the
        // connection's last state line out before the process exits.
        const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
        try {
          await withTimeout(client.quit(), 2_000, 'quit');
        } catch {
          client.disconnect();
        }
        await withTimeout(ended, 1_000, 'end').catch(() => undefined);
      }),
    );
  }

  private get all(): [Role, RedisClient][] {
    return [
      ['command', this.command],
      ['feed', this.feed],
      ['adapter', this.adapter],
    ];
  }

  private watch(connection: Role, client: RedisClient): void {
    const role = ROLE[connection];
    /** The retry states already logged at info since the client was last ready. */
    const logged = new Set<State>();
    const line = (state: State, fields: Record<string, unknown> = {}): void => {
      const repeat = RETRY_STATES.has(state) && logged.has(state);
      if (RETRY_STATES.has(state)) logged.add(state);
      const entry = {
        msg: `Redis ${connection} connection: ${state}`,
        event: 'redis.state',
        role,
        connection,
        state,
        ...fields,
      };
      if (repeat) this.logger.debug(entry);
      else if (state === 'error') this.logger.warn(entry);
      else this.logger.log(entry);
    };
    for (const state of STATES) {
      client.on(state, (delayMs?: number) => {
        if (state === 'ready') logged.clear();
        if (state === 'reconnecting') this.events.clientReconnecting?.(role);
        line(state, state === 'reconnecting' && typeof delayMs === 'number' ? { delayMs } : {});
      });
    }
    const failed = (error: Error, node?: string): void => {
      this.lastError = error.message;
      this.events.clientError?.(role);
      line('error', { error: error.message, ...(node !== undefined && { node }) });
    };
    client.on('error', (error: Error) => failed(error));
    client.on('node error', (error: Error, node: string) => failed(error, node));
  }
}
