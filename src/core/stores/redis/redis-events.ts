/**
 * Which part of the gateway a Redis connection serves, as operators see it: `commands` (scripts,
 * presence, connection slots, the adapter's publishes) or `subscriber` (the publication feeds
 * and the Socket.IO adapter's subscriptions).
 */
export type RedisRole = 'commands' | 'subscriber';

/**
 * What the Redis backend reports as it runs, for the metrics; it knows nothing of Prometheus.
 * Called synchronously on the connection's event: keep them O(1).
 */
export interface RedisEvents {
  /** A publication arrived on this instance's feed; `appendedAt` is its `ts` (set at the append). */
  feedReceived?(appendedAt: number): void;
  /** An `error` of a client (a cluster: of any node), retries included. */
  clientError?(role: RedisRole): void;
  /** A client starts a reconnect attempt. */
  clientReconnecting?(role: RedisRole): void;
}
