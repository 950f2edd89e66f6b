import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import { ChannelGuard } from './channel.guard.js';
import { CommandErrorFilter } from './command-error.filter.js';
import { SessionGuard } from './session.guard.js';

/**
 * What every gateway with client commands needs, core and domain alike: per-message session
 * and channel guards and the ack error envelope (the dispatcher counts every answer, so no
 * interceptor, and no RxJS pipeline, runs per command).
 */
export const GatewayCommands = (): ClassDecorator =>
  applyDecorators(UseFilters(CommandErrorFilter), UseGuards(SessionGuard, ChannelGuard));
