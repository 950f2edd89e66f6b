import { Body, Controller, Param, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { Role, type Principal } from '../auth/principal.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { ChatService } from './chat.service.js';
import { ChatMessageCreatedDto, SystemMessageDto } from './dto/chat.dto.js';
import { RoomParamPipe } from './room-param.pipe.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';

@ApiTags('chat')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@Controller('api/v1/chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post('rooms/:room/messages')
  @ApiOperation({ summary: 'Post a system message (from.system: true) to chat:{room} (role service)' })
  @ApiParam({ name: 'room', example: 'lobby' })
  @ApiCreatedResponse({ type: ChatMessageCreatedDto })
  post(
    @CurrentPrincipal() principal: Principal,
    @Param('room', RoomParamPipe) room: string,
    @Body() body: SystemMessageDto,
  ): Promise<ChatMessageCreatedDto> {
    return this.chat.system(principal, room, body.text);
  }
}
