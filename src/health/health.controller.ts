import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { LiveDto, NotReadyDto, ReadyDto } from './health-responses.dto.js';
import { Readiness } from './readiness.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: Readiness,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process runs', type: LiveDto })
  live(): { status: 'ok'; instance: string } {
    return { status: 'ok', instance: this.config.instanceId };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Accepting connections', type: ReadyDto })
  @ApiServiceUnavailableResponse({
    description: 'Draining, or the configured Redis is unreachable',
    type: NotReadyDto,
  })
  async ready(): Promise<{ status: 'ok'; instance: string; checks: Record<string, unknown> }> {
    const instance = this.config.instanceId;
    try {
      const result = await this.health.check([() => this.accepting(), () => this.store()]);
      return { status: 'ok', instance, checks: result.details };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const { details } = error.getResponse() as { details?: Record<string, unknown> };
      throw new ServiceUnavailableException({ statusCode: 503, status: 'error', instance, checks: details });
    }
  }

  private accepting(): HealthIndicatorResult {
    const indicator = this.indicators.check('connections');
    return this.readiness.draining ? indicator.down({ reason: 'draining' }) : indicator.up();
  }

  private async store(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(this.readiness.storeKind);
    return (await this.readiness.storeHealthy()) ? indicator.up() : indicator.down({ reason: 'unreachable' });
  }
}
