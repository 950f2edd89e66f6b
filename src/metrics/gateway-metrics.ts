import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppConfig } from '../config/app-config.js';

/** What the in-memory log's gauges read on each scrape (memory mode only). */
export interface MemoryLogSource {
  /** Stored publications and idempotency records, as counted against `HISTORY_MAX_BYTES`. */
  readonly bytes: number;
  /** Channel streams remembered. */
  readonly size: number;
}

export interface ConnectionCensus {
  readonly byTransport: ReadonlyMap<string, number>;
  readonly upgraded: number;
}

/** What `switchboard_ready` and `switchboard_draining` read on each scrape. */
export interface ReadinessSource {
  readonly draining: boolean;
  /** What `/health/ready` answers (200: true). */
  ready(): Promise<boolean>;
}

/**
 * Every metric of contract §7, in a registry of this app's own (so several apps in one
 * test process never share counters). Labels: `instance` on all, via default labels.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  /**
   * Counted at scrape time from the open connections ({@link census}), not kept up to date
   * with a listener on every connection's upgrade: that listener cost heap per connection.
   */
  readonly connections = new Gauge({
    name: 'switchboard_connections',
    help: 'Open Socket.IO connections by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
    collect: () => {
      const { byTransport } = this.census();
      for (const transport of ['polling', 'websocket']) this.connections.set({ transport }, 0);
      for (const [transport, count] of byTransport) this.connections.set({ transport }, count);
    },
  });
  readonly subscriptions = new Gauge({
    name: 'switchboard_subscriptions',
    help: 'Channel subscriptions held by open connections (personal channels included)',
    registers: [this.registry],
  });
  readonly publications = new Counter({
    name: 'switchboard_publications_total',
    help: 'Publications accepted by this instance',
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'switchboard_commands_total',
    help: 'Client commands by command and result (ok or error code)',
    labelNames: ['command', 'result'] as const,
    registers: [this.registry],
  });
  readonly deliveryLatency = new Histogram({
    name: 'switchboard_delivery_latency_seconds',
    help: 'Time from publish accepted to emitted to local subscribers',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly connects = new Counter({
    name: 'switchboard_connects_total',
    help: 'Accepted Socket.IO connections by their first transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly disconnects = new Counter({
    name: 'switchboard_disconnects_total',
    help: 'Socket.IO disconnections by transport at the time and Socket.IO reason',
    labelNames: ['transport', 'reason'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'switchboard_auth_failures_total',
    help: 'Refused tokens by where they were presented',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'switchboard_rate_limited_total',
    help: 'Client commands refused by the rate limit',
    registers: [this.registry],
  });
  readonly brokerErrors = new Counter({
    name: 'switchboard_broker_errors_total',
    help: 'Errors talking to the broker (Redis)',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  // --- delivery guarantees (contract v2: streams, idempotency, positions) ---
  readonly streamEvictions = new Counter({
    name: 'switchboard_memory_stream_evictions_total',
    help: 'Channel streams (epoch and top) the in-memory log forgot because of its cap of remembered streams',
    registers: [this.registry],
  });
  readonly memoryTrimmed = new Counter({
    name: 'switchboard_memory_history_trimmed_total',
    help: 'In-memory mode: publications and idempotency records dropped to stay within HISTORY_MAX_BYTES, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  /** Set in memory mode by the backend; without it both gauges are absent. */
  private memoryLog?: MemoryLogSource;
  readonly memoryHistoryBytes = new Gauge({
    name: 'switchboard_memory_history_bytes',
    help: 'In-memory mode: bytes held by stored publications and idempotency records (at most HISTORY_MAX_BYTES)',
    registers: [this.registry],
    collect: () => {
      if (this.memoryLog) this.memoryHistoryBytes.set(this.memoryLog.bytes);
    },
  });
  readonly memoryStreams = new Gauge({
    name: 'switchboard_memory_streams',
    help: 'In-memory mode: channel streams (epoch and top) remembered; only publications create them',
    registers: [this.registry],
    collect: () => {
      if (this.memoryLog) this.memoryStreams.set(this.memoryLog.size);
    },
  });
  readonly pendingSessionsRefused = new Counter({
    name: 'switchboard_pending_sessions_refused_total',
    help:
      'New Engine.IO sessions refused (503) because their address already held MAX_PENDING_SESSIONS_PER_ADDRESS ' +
      'sessions without a completed Socket.IO handshake',
    registers: [this.registry],
  });
  readonly adminLoginFailures = new Counter({
    name: 'switchboard_admin_login_failures_total',
    help:
      'Failed logins to the admin UI, by reason: wrong_password (checked with bcrypt), unknown_user, ' +
      'throttled (over 5 a minute per address or 30 in all: refused without a check)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly positionsSent = new Counter({
    name: 'switchboard_channel_positions_total',
    help: "channel.position rounds sent to this instance's subscribers of a channel (one per channel per interval)",
    registers: [this.registry],
  });
  // --- end of delivery guarantees ---

  constructor(config: AppConfig) {
    this.registry.setDefaultLabels({ instance: config.instanceId });
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_process_' });
    // Known label values start at 0: a series that first appears at 1 has no earlier sample,
    // so `rate()` and `increase()` would miss its first burst (a first outage, a first resync).
    for (const transport of ['polling', 'websocket']) {
      this.connects.labels(transport).inc(0);
      this.slowConsumerCloses.labels(transport).inc(0);
    }
    for (const result of ['recovered', 'not_recovered']) this.recoveries.labels(result).inc(0);
    for (const reason of ['size', 'depth']) this.payloadsRefused.labels(reason).inc(0);
    for (const source of ['rest', 'batch', 'chat']) this.idempotentReplays.labels(source).inc(0);
    for (const result of ['ok', 'rejected', 'timeout', 'error']) this.webhookRequests.labels(result).inc(0);
    for (const reason of ['retry_window', 'capacity', 'store_unavailable', 'shutdown'])
      this.webhookEventsDropped.labels(reason).inc(0);
    for (const [kind, results] of [
      ['subscribe', ['allow', 'deny', 'unavailable']],
      ['command', ['ok', 'error', 'unavailable']],
    ] as const) {
      for (const result of results) this.proxyCalls.labels(kind, result).inc(0);
      this.proxyCallDuration.zero({ kind });
    }
    for (const kind of ['publication', 'idempotency']) this.memoryTrimmed.labels(kind).inc(0);
    for (const reason of ['wrong_password', 'unknown_user', 'throttled'])
      this.adminLoginFailures.labels(reason).inc(0);
    for (const role of ['commands', 'subscriber']) {
      this.redisErrors.labels(role).inc(0);
      this.redisReconnects.labels(role).inc(0);
    }
  }

  // --- Control API (disconnect, revoke, kick) -----------------------------------------------
  readonly controlActions = new Counter({
    name: 'switchboard_control_actions_total',
    help: 'Control API actions requested through this instance, by action (disconnect, revoke, lift, kick)',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly controlAffected = new Counter({
    name: 'switchboard_control_affected_connections_total',
    help: "This instance's connections closed (disconnect, revoke) or unsubscribed (kick) by control actions",
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  // --- end of control API ------------------------------------------------------------------

  // --- hardening (issue 9) ---
  readonly slowConsumerCloses = new Counter({
    name: 'switchboard_slow_consumer_closes_total',
    help: 'Transports closed because their client did not take what was queued (MAX_BUFFERED_BYTES)',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  // --- operations (issue 12): churn, recovery, fan-out, broker health ------------------------
  // Labels stay bounded: namespaces (the channel prefix before `:`), transports, reasons and
  // roles, never a channel name or a user id.
  readonly upgrades = new Counter({
    name: 'switchboard_transport_upgrades_total',
    help: 'Connections upgraded from HTTP long-polling to WebSocket',
    registers: [this.registry],
    collect: () => {
      this.upgrades.reset();
      this.upgrades.inc(this.upgradedAndClosed + this.census().upgraded);
    },
  });
  /** Upgraded connections that have closed since start (the open ones come from the census). */
  private upgradedAndClosed = 0;

  /** The open connections by transport, and how many of them upgraded (set by the gateway). */
  census: () => ConnectionCensus = () => ({ byTransport: new Map(), upgraded: 0 });

  connectionClosed(upgraded: boolean): void {
    if (upgraded) this.upgradedAndClosed++;
  }
  readonly resubscribes = new Counter({
    name: 'switchboard_resubscribes_total',
    help: 'Subscribes that carried `since` (a client resuming a stream), by namespace',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });
  readonly recoveries = new Counter({
    name: 'switchboard_recoveries_total',
    help: 'Outcome of subscribes with `since`: recovered (gap filled) or not_recovered (client must resync)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly positionLags = new Counter({
    name: 'switchboard_position_lags_total',
    help: 'Subscribes with `since` behind the stream top: a client that had missed publications',
    registers: [this.registry],
  });
  readonly namespaceSubscriptions = new Counter({
    name: 'switchboard_namespace_subscriptions_total',
    help: 'Accepted subscribes by channel namespace',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });
  readonly namespacePublications = new Counter({
    name: 'switchboard_namespace_publications_total',
    help: 'Publications accepted by this instance, by channel namespace',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'switchboard_deliveries_total',
    help: 'Publications emitted to local sockets (one per receiving socket), by channel namespace',
    labelNames: ['namespace'] as const,
    registers: [this.registry],
  });
  readonly fanOut = new Histogram({
    name: 'switchboard_fanout_size',
    help: 'Local sockets one publication was emitted to on this instance',
    buckets: [0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    registers: [this.registry],
  });
  readonly brokerHop = new Histogram({
    name: 'switchboard_broker_hop_seconds',
    help: 'Redis mode: time from append (on any instance) to the publication received from the feed here',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly localEmit = new Histogram({
    name: 'switchboard_local_emit_seconds',
    help: 'Time to emit one publication to the local sockets of its channel',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly batchSizes = new Histogram({
    name: 'switchboard_publish_batch_size',
    help: 'Items per POST /api/v1/publish/batch request',
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [this.registry],
  });
  readonly idempotentReplays = new Counter({
    name: 'switchboard_idempotent_replays_total',
    help: 'Publishes answered from the idempotency record instead of appended again, by source (rest, batch, chat)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly payloadsRefused = new Counter({
    name: 'switchboard_payloads_refused_total',
    help: 'Client payloads refused before validation, by reason (size, depth)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly redisErrors = new Counter({
    name: 'switchboard_redis_errors_total',
    help: 'Errors reported by a Redis client, by role (commands, subscriber)',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  readonly redisReconnects = new Counter({
    name: 'switchboard_redis_reconnects_total',
    help: 'Reconnect attempts of a Redis client, by role (commands, subscriber)',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  /** Set by the health module; until then both gauges stay 0. */
  private readiness?: ReadinessSource;
  readonly ready = new Gauge({
    name: 'switchboard_ready',
    help: '1 when this instance accepts new connections (what /health/ready answers), else 0',
    registers: [this.registry],
    collect: async () => {
      if (this.readiness) this.ready.set((await this.readiness.ready()) ? 1 : 0);
    },
  });
  readonly draining = new Gauge({
    name: 'switchboard_draining',
    help: '1 while this instance drains its connections before exit, else 0',
    registers: [this.registry],
    collect: () => {
      if (this.readiness) this.draining.set(this.readiness.draining ? 1 : 0);
    },
  });

  /** The in-memory log's gauges read it at scrape time. */
  reportMemoryLog(source: MemoryLogSource): void {
    this.memoryLog = source;
  }

  /** Both gauges are read at scrape time, so they can never disagree with the probe. */
  reportReadiness(source: ReadinessSource): void {
    this.readiness = source;
  }
  // --- end of operations ---------------------------------------------------------------------

  // --- hooks (contract §8): webhooks out, backend-decided namespaces in ----------------------
  readonly webhookRequests = new Counter({
    name: 'switchboard_webhook_requests_total',
    help: 'Webhook attempts by result: ok (2xx), rejected (another status), timeout, error (network)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveryLag = new Histogram({
    name: 'switchboard_webhook_delivery_lag_seconds',
    help: 'Time from a channel change to the 2xx that acknowledged its webhook event',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly webhookEventsDropped = new Counter({
    name: 'switchboard_webhook_events_dropped_total',
    help:
      'Webhook events dropped, by reason: retry_window (not acknowledged within WEBHOOK_RETRY_SECONDS), capacity, store_unavailable, ' +
      'shutdown (memory mode: not acknowledged in the last attempt at shutdown)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Set by the hooks module when webhooks are on; until then the gauge reads 0. */
  private webhookQueue?: () => Promise<number>;
  readonly webhookQueueDepth = new Gauge({
    name: 'switchboard_webhook_queue_depth',
    help: 'Webhook events waiting for delivery: the shared queue as seen by the delivering instance (0 elsewhere), plus those not queued yet; sum() is the deployment total',
    registers: [this.registry],
    collect: async () => {
      this.webhookQueueDepth.set(this.webhookQueue ? await this.webhookQueue().catch(() => 0) : 0);
    },
  });
  readonly proxyCalls = new Counter({
    name: 'switchboard_proxy_calls_total',
    help: 'Calls to the backends of NAMESPACES_FILE, by kind (subscribe, command) and result (allow, deny, ok, error, unavailable)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly proxyCallDuration = new Histogram({
    name: 'switchboard_proxy_call_seconds',
    help: 'Time a backend of NAMESPACES_FILE took to decide (or to fail), by kind (subscribe, command)',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** The queue depth gauge reads `source` on each scrape. */
  reportWebhookQueue(source: () => Promise<number>): void {
    this.webhookQueue = source;
  }
  // --- end of hooks --------------------------------------------------------------------------
}
