import { Body, Controller, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { TokenVerifier } from '../auth/token-verifier.js';
import { NotificationCreatedDto } from '../notifications/dto/notification.dto.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { DevNotificationRequestDto, DevTokenDto, DevTokenRequestDto } from './dto/dev-token.dto.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';
import { ApiErrors } from '../http/api-errors.decorator.js';

export const DEV_TOKEN_TTL_SECONDS = 3600;

/**
 * Development helpers for the demo page. The module is not even registered unless NODE_ENV
 * is exactly development or test: anyone may mint a token here, so the route must not exist
 * anywhere else.
 * Tokens get `chat:*` and no role (never `service` or `admin`).
 */
@ApiTags('dev (not in production)')
@UsePipes(RestValidationPipe)
@ApiErrors(400, 413)
@Controller('api/v1/dev')
export class DevTokenController {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly notifications: NotificationsService,
  ) {}

  @Post('token')
  @ApiOperation({ summary: 'A development token for any user: channels chat:*, no roles, 1 h' })
  @ApiCreatedResponse({ type: DevTokenDto })
  token(@Body() body: DevTokenRequestDto): DevTokenDto {
    const claims = {
      sub: body.sub,
      ...(body.name !== undefined && { name: body.name }),
      channels: ['chat:*'],
    };
    return { token: this.verifier.sign(claims, DEV_TOKEN_TTL_SECONDS) };
  }

  /** Only ever to the caller's own `user:` channel, so it cannot be used to spam others. */
  @Post('notify-me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sends a test `notification` to the caller (user:{sub})' })
  @ApiCreatedResponse({ type: NotificationCreatedDto })
  @ApiErrors(401, 503)
  async notifyMe(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DevNotificationRequestDto,
  ): Promise<NotificationCreatedDto> {
    const { created } = await this.notifications.notify({
      userId: principal.sub,
      title: body.title ?? 'Test notification',
      ...(body.body !== undefined && { body: body.body }),
    });
    return created;
  }
}
