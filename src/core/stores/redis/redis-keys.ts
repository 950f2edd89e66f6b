/**
 * Every Redis key and Pub/Sub channel name the gateway uses, all under `REDIS_KEY_PREFIX`.
 *
 * The keys of one channel (top, history, idempotency keys, presence) and its feed channel
 * share the hash tag `{c:<channel>}`, so in a cluster they live in one slot and one Lua
 * script may touch them all and publish to the feed (SPUBLISH from a script must stay in the
 * script's slot). Channel names and user ids never contain braces (contract §4). A prefix
 * that itself contains a `{...}` tag puts every key in that one slot, which is still correct.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  channel(channel: string): ChannelKeys {
    const base = `${this.prefix}{c:${channel}}`;
    return {
      top: `${base}:top`,
      log: `${base}:log`,
      feed: `${base}:feed`,
      idempotency: (key: string) => `${base}:idem:${key}`,
      presenceConnections: `${base}:presence:connections`,
      presenceUsers: `${base}:presence:users`,
      presenceCounts: `${base}:presence:counts`,
      occupancyConnections: `${base}:occupancy:connections`,
      occupancyUsers: `${base}:occupancy:users`,
    };
  }

  /** One key of module state (`ModuleState`), already scoped by module. */
  moduleState(key: string): string {
    return `${this.prefix}state:${key}`;
  }

  /** A user's live connections on every instance (`MAX_CONNECTIONS_PER_USER`). */
  userConnections(userId: string): string {
    return `${this.prefix}{u:${userId}}:connections`;
  }

  /** Sorted set: instance id → the Redis time (ms) after which it counts as dead. */
  get instances(): string {
    return `${this.prefix}instances`;
  }

  /**
   * Sorted set (all scores 0, so ordered by name) of the channels with at least one
   * subscriber on some instance: `GET /api/v1/channels?prefix=` reads it by lexical range.
   */
  get occupiedChannels(): string {
    return `${this.prefix}occupied`;
  }

  /**
   * String: the epoch every new stream is created with, replaced every half stream TTL (see
   * stream-rules.ts). Its own slot: read in a command of its own before a stream is created.
   */
  get pendingEpoch(): string {
    return `${this.prefix}epoch:pending`;
  }

  /** Hash: user id → `<before>:<until ms>`, the user's token revocation (control API). */
  get revocations(): string {
    return `${this.prefix}revocations`;
  }

  /**
   * Set of what one instance holds entries for (`presence` and `occupancy`: channels,
   * `connections`: users).
   */
  instanceIndex(instanceId: string, kind: InstanceEntryKind): string {
    return `${this.prefix}instance:${instanceId}:${kind}`;
  }

  /** Prefix of the Socket.IO Redis adapter's Pub/Sub channels. */
  get socketIo(): string {
    return `${this.prefix}socket.io`;
  }
}

export interface ChannelKeys {
  /** Hash: `epoch`, `offset` (the newest offset). */
  readonly top: string;
  /** Stream of stored publications; entry id `<offset>-0`, field `p` = the publication JSON. */
  readonly log: string;
  /** Pub/Sub (sharded in a cluster) channel on which the append script publishes. */
  readonly feed: string;
  readonly idempotency: (key: string) => string;
  /** Hash: `<instance>/<connection>` → user id. */
  readonly presenceConnections: string;
  /** Hash: user id → presence user JSON. */
  readonly presenceUsers: string;
  /** Hash: user id → number of the user's connections in the channel. */
  readonly presenceCounts: string;
  /** Hash: `<instance>/<connection>` → user id, for every subscription (occupancy). */
  readonly occupancyConnections: string;
  /** Hash: user id → number of the user's subscribed connections (occupancy). */
  readonly occupancyUsers: string;
}

/** The kinds of per-instance entries (see `InstanceEntries`). */
export type InstanceEntryKind = 'presence' | 'connections' | 'occupancy';

/** The field naming one connection of one instance; its prefix finds a dead instance's entries. */
export function connectionField(instanceId: string, connectionId: string): string {
  return `${instanceId}/${connectionId}`;
}
