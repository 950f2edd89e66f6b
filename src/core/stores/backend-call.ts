import { Injectable } from '@nestjs/common';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { BackendUnavailableError, GatewayError } from '../errors/gateway.error.js';

/**
 * Runs a call to a store (history, presence, connections). A failure of the store itself
 * (Redis down, timeout) becomes {@link BackendUnavailableError}: `INTERNAL` on sockets and
 * 503 on REST, counted as a broker error. Contract errors pass through unchanged.
 */
@Injectable()
export class BackendCall {
  constructor(private readonly metrics: GatewayMetrics) {}

  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      this.metrics.brokerErrors.inc({ operation });
      throw new BackendUnavailableError(error);
    }
  }
}
