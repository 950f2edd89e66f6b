import { Body, Controller, Param, Post, Res, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { Role, type Principal } from '../auth/principal.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { ChatService } from './chat.service.js';
import { ChatMessageCreatedDto, SystemMessageDto } from './dto/chat.dto.js';
import { RoomParamPipe } from './room-param.pipe.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';
import { IdempotencyKey, restIdempotencyKey } from '../http/idempotency-key.decorator.js';
import { ApiIdempotentPublish, markReplayed } from '../http/idempotent-publish.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { ApiNamePartParam } from '../http/api-params.decorator.js';

@ApiTags('chat')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@ApiErrors(400, 401, 403, 413)
@Controller('api/v1/chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post('rooms/:room/messages')
  @ApiOperation({
    summary: 'Post a system message to chat:{room} (role service)',
    description:
      'Subscribers get `chat.message` with `from: { userId: <your sub>, name: "System", system: true }`: ' +
      "the room hears it from the system, not from the service token's display name.",
  })
  @ApiNamePartParam('room', 'lobby')
  @ApiIdempotentPublish(ChatMessageCreatedDto)
  async post(
    @CurrentPrincipal() principal: Principal,
    @Param('room', RoomParamPipe) room: string,
    @Body() body: SystemMessageDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChatMessageCreatedDto> {
    const { posted, duplicate } = await this.chat.system(
      principal,
      room,
      body.text,
      restIdempotencyKey(idempotencyKey),
    );
    markReplayed(response, duplicate);
    return posted;
  }
}
