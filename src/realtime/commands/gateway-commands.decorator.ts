import { applyDecorators, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ChannelGuard } from './channel.guard.js';
import { CommandErrorFilter } from './command-error.filter.js';
import { CommandMetricsInterceptor } from './command-metrics.interceptor.js';
import { SessionGuard } from './session.guard.js';

/**
 * What every gateway with client commands needs, core and domain alike: per-message session
 * and channel guards, the ack error envelope and command metrics.
 */
export const GatewayCommands = (): ClassDecorator =>
  applyDecorators(
    UseFilters(CommandErrorFilter),
    UseGuards(SessionGuard, ChannelGuard),
    UseInterceptors(CommandMetricsInterceptor),
  );
