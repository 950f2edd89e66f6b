import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppConfig } from '../config/app-config.js';

/**
 * Every metric of contract §7, in a registry of this app's own (so several apps in one
 * test process never share counters). Labels: `instance` on all, via default labels.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly connections = new Gauge({
    name: 'switchboard_connections',
    help: 'Open Socket.IO connections by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
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
    help: 'Accepted Socket.IO connections',
    registers: [this.registry],
  });
  readonly disconnects = new Counter({
    name: 'switchboard_disconnects_total',
    help: 'Socket.IO disconnections by reason',
    labelNames: ['reason'] as const,
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
  readonly positionsSent = new Counter({
    name: 'switchboard_channel_positions_total',
    help: "channel.position rounds sent to this instance's subscribers of a channel (one per channel per interval)",
    registers: [this.registry],
  });
  // --- end of delivery guarantees ---

  constructor(config: AppConfig) {
    this.registry.setDefaultLabels({ instance: config.instanceId });
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_process_' });
  }

  // --- Control API (disconnect, revoke, kick) -----------------------------------------------
  readonly controlActions = new Counter({
    name: 'switchboard_control_actions_total',
    help: 'Control API actions requested through this instance, by action (disconnect, revoke, kick)',
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
}
