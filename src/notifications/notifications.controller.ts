import { Body, Controller, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { Role } from '../auth/principal.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { CreateNotificationDto, NotificationCreatedDto } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';

@ApiTags('notifications')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @ApiOperation({ summary: 'Send a `notification` event to user:{userId} (role service)' })
  @ApiCreatedResponse({ type: NotificationCreatedDto })
  create(@Body() body: CreateNotificationDto): Promise<NotificationCreatedDto> {
    return this.notifications.notify(body);
  }
}
