import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { REALTIME_BACKEND, type RealtimeBackend } from '../realtime/backend/realtime-backend.js';
import { ShutdownDrain } from '../realtime/shutdown-drain.js';

/**
 * Whether this instance accepts new connections: not draining, and its store answers. The one
 * answer of `/health/ready` and of the `switchboard_ready` and `switchboard_draining` gauges,
 * which read it on every scrape (one Redis ping per scrape, as per probe).
 */
@Injectable()
export class Readiness implements OnModuleInit {
  constructor(
    private readonly drain: ShutdownDrain,
    @Inject(REALTIME_BACKEND) private readonly backend: RealtimeBackend,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.reportReadiness(this);
  }

  get draining(): boolean {
    return this.drain.draining;
  }

  /** `memory` or `redis`: the name of the store's readiness check. */
  get storeKind(): RealtimeBackend['kind'] {
    return this.backend.kind;
  }

  storeHealthy(): Promise<boolean> {
    return this.backend.isHealthy();
  }

  async ready(): Promise<boolean> {
    return !this.draining && (await this.storeHealthy());
  }
}
