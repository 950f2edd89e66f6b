import { Body, Controller, Get, HttpCode, Param, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RoomParamPipe } from '../chat/room-param.pipe.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { ApiNamePartParam } from '../http/api-params.decorator.js';
import { ChannelInfoDto, DisconnectDto, DisconnectedDto } from '../http/control/control.dto.js';
import { ControlService } from '../core/control/control.service.js';
import { OccupancyQueries } from '../core/channels/occupancy-queries.service.js';
import { UserIdParamPipe } from '../http/control/user-id-param.pipe.js';

/**
 * The demo page's admin panel: a room's occupancy and "disconnect this user", for any signed-in
 * user, without the `service` role the real control API requires. Like every dev endpoint it
 * exists only in development and test (anyone may mint a token there anyway), and it reaches
 * chat rooms only.
 */
@ApiTags('dev (not in production)')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@UsePipes(RestValidationPipe)
@ApiErrors(400, 401, 503)
@Controller('api/v1/dev')
export class DevControlController {
  constructor(
    private readonly occupancy: OccupancyQueries,
    private readonly control: ControlService,
  ) {}

  @Get('rooms/:room/occupancy')
  @ApiOperation({ summary: 'Connections and users subscribed to chat:{room}, on every instance' })
  @ApiNamePartParam('room', 'lobby')
  @ApiOkResponse({ type: ChannelInfoDto })
  room(@Param('room', RoomParamPipe) room: string): Promise<ChannelInfoDto> {
    return this.occupancy.channel(`chat:${room}`);
  }

  @Post('users/:userId/disconnect')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ends every connection of the user (`session.terminated`), as the control API does',
  })
  @ApiNamePartParam('userId', 'alice')
  @ApiOkResponse({ type: DisconnectedDto })
  @ApiErrors(413)
  disconnect(
    @Param('userId', UserIdParamPipe) userId: string,
    @Body() body: DisconnectDto,
  ): Promise<DisconnectedDto> {
    return this.control.disconnect(userId, body.reconnect ?? false);
  }
}
