import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { STORE_BACKEND, type StoreBackend } from '../core/stores/store-backend.js';
import { ShutdownDrain } from '../core/connections/shutdown-drain.js';

/**
 * Whether this instance accepts new connections: not draining, and its store answers. The one
 * answer of `/health/ready` and of the `switchboard_ready` and `switchboard_draining` gauges,
 * which read it on every scrape (one Redis ping per scrape, as per probe).
 */
@Injectable()
export class Readiness implements OnModuleInit {
  constructor(
    private readonly drain: ShutdownDrain,
    @Inject(STORE_BACKEND) private readonly backend: StoreBackend,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.reportReadiness(this);
  }

  get draining(): boolean {
    return this.drain.draining;
  }

  /** `memory` or `redis`: the name of the store's readiness check. */
  get storeKind(): StoreBackend['kind'] {
    return this.backend.kind;
  }

  storeHealthy(): Promise<boolean> {
    return this.backend.isHealthy();
  }

  async ready(): Promise<boolean> {
    return !this.draining && (await this.storeHealthy());
  }
}
