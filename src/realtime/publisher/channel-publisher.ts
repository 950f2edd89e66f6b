import { Inject, Injectable } from '@nestjs/common';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import {
  BackendUnavailableError,
  GatewayError,
  PublicationUnconfirmedError,
} from '../errors/gateway.error.js';
import { CHANNEL_LOG, type AppendResult, type ChannelLog } from '../history/channel-log.js';
import { BackendCall } from '../backend-call.js';
import { eventNameProblem } from '@switchboard/protocol';

export interface PublishOptions {
  /**
   * See {@link AppendRequest.idempotencyKey}; remembered `IDEMPOTENCY_TTL_SECONDS` per channel.
   * Callers scope their keys so sources never collide: REST `api:<key>`, `chat.send`
   * `client:<sub>:<clientId>`.
   */
  readonly idempotencyKey?: string;
}

/**
 * The one way a stored publication enters the system: REST controllers and domain
 * services call `publish`; the log assigns the offset and feeds every instance's delivery.
 */
@Injectable()
export class ChannelPublisher {
  constructor(
    private readonly registry: ChannelRegistry,
    @Inject(CHANNEL_LOG) private readonly log: ChannelLog,
    private readonly backend: BackendCall,
    private readonly metrics: GatewayMetrics,
  ) {}

  async publish(
    channel: string,
    event: string,
    data: unknown,
    options: PublishOptions = {},
  ): Promise<AppendResult> {
    const { policy } = this.registry.resolve(channel);
    const problem = eventNameProblem(event);
    if (problem) throw GatewayError.badRequest(problem, [{ field: 'event', messages: [problem] }]);
    let result: AppendResult;
    try {
      result = await this.backend.run('append', () =>
        this.log.append({
          channel,
          event,
          data,
          keep: policy.history,
          idempotencyKey: options.idempotencyKey,
        }),
      );
    } catch (error) {
      throw error instanceof BackendUnavailableError ? new PublicationUnconfirmedError(error.cause) : error;
    }
    if (!result.duplicate) this.metrics.publications.inc();
    return result;
  }
}
