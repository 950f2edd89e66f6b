import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../../auth/jwt-auth.guard.js';
import { Role } from '../../auth/principal.js';
import { Roles, RolesGuard } from '../../auth/roles.guard.js';
import { RestValidationPipe } from '../rest-validation.pipe.js';
import { ApiErrors } from '../api-errors.decorator.js';
import { ApiNamePartParam } from '../api-params.decorator.js';
import { DisconnectDto, DisconnectedDto, LiftedDto, RevokeDto, RevokedDto } from './control.dto.js';
import { ControlService } from '../../core/control/control.service.js';
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
      "Refuses the user's tokens issued at or before `before` for REVOCATION_TTL_SECONDS, at the handshake, in " +
      '`auth.refresh` and on every REST call, and ends the connections holding one (`session.terminated`, ' +
      'reason revoked) (role service). A 503 may hide a revocation that was applied: retrying is safe',
  })
  @ApiNamePartParam('userId', 'alice')
  @ApiOkResponse({ type: RevokedDto })
  revoke(@Param('userId', UserIdParamPipe) userId: string, @Body() body: RevokeDto): Promise<RevokedDto> {
    return this.control.revoke(userId, body.before);
  }

  @Delete(':userId/revoke')
  @ApiOperation({
    summary:
      "Lifts the user's revocation on every instance: their tokens are accepted again (role service). " +
      'Idempotent: lifting none answers lifted: false',
  })
  @ApiNamePartParam('userId', 'alice')
  @ApiOkResponse({ type: LiftedDto })
  lift(@Param('userId', UserIdParamPipe) userId: string): Promise<LiftedDto> {
    return this.control.lift(userId);
  }
}
