import { Body, Controller, Post, Res, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { Role } from '../auth/principal.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { CreateNotificationDto, NotificationCreatedDto } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';
import { IdempotencyKey, restIdempotencyKey } from '../http/idempotency-key.decorator.js';
import { ApiIdempotentPublish, markReplayed } from '../http/idempotent-publish.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('notifications')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@ApiErrors(400, 401, 403, 413)
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @ApiOperation({ summary: 'Send a `notification` event to user:{userId} (role service)' })
  @ApiIdempotentPublish(NotificationCreatedDto)
  async create(
    @Body() body: CreateNotificationDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<NotificationCreatedDto> {
    const { created, duplicate } = await this.notifications.notify(body, restIdempotencyKey(idempotencyKey));
    markReplayed(response, duplicate);
    return created;
  }
}
