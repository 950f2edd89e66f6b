import { Controller, Get, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import { JwtAuthGuard } from '../../auth/jwt-auth.guard.js';
import type { Principal } from '../../auth/principal.js';
import { ChannelQueries } from '../../core/channels/channel-queries.service.js';
import { HistoryQueryDto } from './history-query.dto.js';
import { HistoryResponseDto, PresenceResponseDto } from './channel-responses.dto.js';
import { RestValidationPipe } from '../rest-validation.pipe.js';
import { ApiErrors } from '../api-errors.decorator.js';
import { ApiChannelParam } from '../api-params.decorator.js';

@ApiTags('channels')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@UsePipes(RestValidationPipe)
@ApiErrors(400, 401, 403, 404, 503)
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(private readonly queries: ChannelQueries) {}

  @Get(':channel/history')
  @ApiOperation({
    summary: "A channel's stored publications, oldest first (role service, or a user allowed to subscribe)",
  })
  @ApiChannelParam()
  @ApiOkResponse({ type: HistoryResponseDto })
  history(
    @CurrentPrincipal() principal: Principal,
    @Param('channel') channel: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryResponseDto> {
    return this.queries.history(principal, channel, query.since, query.limit) as Promise<HistoryResponseDto>;
  }

  @Get(':channel/presence')
  @ApiOperation({
    summary: 'Users present in a presence channel (role service, or a user allowed to subscribe)',
    description: 'A namespace without presence is a 400.',
  })
  @ApiChannelParam()
  @ApiOkResponse({ type: PresenceResponseDto })
  presence(
    @CurrentPrincipal() principal: Principal,
    @Param('channel') channel: string,
  ): Promise<PresenceResponseDto> {
    return this.queries.presenceOf(principal, channel);
  }
}
