import { Controller, Delete, Get, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../../auth/jwt-auth.guard.js';
import { Role } from '../../auth/principal.js';
import { Roles, RolesGuard } from '../../auth/roles.guard.js';
import { RestValidationPipe } from '../rest-validation.pipe.js';
import { ApiErrors } from '../api-errors.decorator.js';
import { ApiChannelParam, ApiNamePartParam } from '../api-params.decorator.js';
import { ChannelInfoDto, ChannelListDto, ChannelListQueryDto, UnsubscribedDto } from './control.dto.js';
import { ControlService } from '../../core/control/control.service.js';
import { OccupancyQueries } from '../../core/channels/occupancy-queries.service.js';
import { UserIdParamPipe } from './user-id-param.pipe.js';

/**
 * Occupancy and kicks (role service). Beside `ChannelsController` on the same prefix: its
 * routes (`:channel/history`, `:channel/presence`) have one more path segment than ours.
 */
@ApiTags('control')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@ApiErrors(400, 401, 403, 404, 503)
@Controller('api/v1/channels')
export class ChannelControlController {
  constructor(
    private readonly queries: OccupancyQueries,
    private readonly control: ControlService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Channels with at least one subscriber on any instance, by name, a page at a time: `next`, when ' +
      'present, is the `after` of the next page (role service)',
  })
  @ApiOkResponse({ type: ChannelListDto, description: 'A prefix in an unknown namespace is a 404' })
  list(@Query() query: ChannelListQueryDto): Promise<ChannelListDto> {
    return this.queries.list(query.prefix, query.limit, query.after);
  }

  @Get(':channel')
  @ApiOperation({ summary: "A channel's top and its subscribers on every instance (role service)" })
  @ApiChannelParam()
  @ApiOkResponse({ type: ChannelInfoDto })
  channel(@Param('channel') channel: string): Promise<ChannelInfoDto> {
    return this.queries.channel(channel);
  }

  @Delete(':channel/subscribers/:userId')
  @ApiOperation({
    summary:
      "Unsubscribes the user's connections from the channel on every instance, each told with " +
      '`subscription.revoked` (a kick, not a ban) (role service)',
  })
  @ApiChannelParam()
  @ApiNamePartParam('userId', 'alice')
  @ApiOkResponse({ type: UnsubscribedDto })
  kick(
    @Param('channel') channel: string,
    @Param('userId', UserIdParamPipe) userId: string,
  ): Promise<UnsubscribedDto> {
    return this.control.kick(channel, userId);
  }
}
