import { Body, Controller, HttpCode, Param, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../../auth/jwt-auth.guard.js';
import { Role } from '../../auth/principal.js';
import { Roles, RolesGuard } from '../../auth/roles.guard.js';
import { RestValidationPipe } from '../../http/rest-validation.pipe.js';
import { ApiErrors } from '../../http/api-errors.decorator.js';
import { ApiNamePartParam } from '../../http/api-params.decorator.js';
import { DisconnectDto, DisconnectedDto, RevokeDto, RevokedDto } from './control.dto.js';
import { ControlService } from './control.service.js';
import { UserIdParamPipe } from './user-id-param.pipe.js';

/** Ending a user's sessions on every instance (role service). */
@ApiTags('control')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@ApiErrors(400, 401, 403, 413, 503)
@Controller('api/v1/users')
export class UsersControlController {
  constructor(private readonly control: ControlService) {}

  @Post(':userId/disconnect')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Every connection of the user gets `session.terminated` (reason disconnected) and is closed (role service)',
  })
  @ApiNamePartParam('userId', 'alice')
  @ApiOkResponse({ type: DisconnectedDto })
  disconnect(
    @Param('userId', UserIdParamPipe) userId: string,
    @Body() body: DisconnectDto,
  ): Promise<DisconnectedDto> {
    return this.control.disconnect(userId, body.reconnect ?? false);
  }

  @Post(':userId/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Refuses the user's tokens issued before `before` for REVOCATION_TTL_SECONDS, at the handshake and in " +
      '`auth.refresh`, and ends the connections holding one (`session.terminated`, reason revoked) (role service)',
  })
  @ApiNamePartParam('userId', 'alice')
  @ApiOkResponse({ type: RevokedDto })
  revoke(@Param('userId', UserIdParamPipe) userId: string, @Body() body: RevokeDto): Promise<RevokedDto> {
    return this.control.revoke(userId, body.before);
  }
}
