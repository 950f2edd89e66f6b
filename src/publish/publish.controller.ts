import { Body, Controller, Post, Res, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { Role } from '../auth/principal.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { ChannelPublisher } from '../realtime/publisher/channel-publisher.js';
import { PublishDto, PublishedDto } from './dto/publish.dto.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';
import { IdempotencyKey, restIdempotencyKey } from '../http/idempotency-key.decorator.js';
import { ApiIdempotentPublish, markReplayed } from '../http/idempotent-publish.decorator.js';

/** The generic server publish API: any event into any known channel (role service). */
@ApiTags('publish')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@Controller('api/v1/publish')
export class PublishController {
  constructor(private readonly publisher: ChannelPublisher) {}

  @Post()
  @ApiOperation({ summary: 'Publish an event to a channel; subscribers receive it with its offset' })
  @ApiIdempotentPublish(PublishedDto)
  async publish(
    @Body() { channel, event, data }: PublishDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PublishedDto> {
    const { publication, duplicate } = await this.publisher.publish(channel, event, data ?? null, {
      idempotencyKey: restIdempotencyKey(idempotencyKey),
    });
    markReplayed(response, duplicate);
    // From the stored publication: a replay answers exactly as the first request was answered.
    return {
      channel: publication.channel,
      event: publication.event,
      offset: publication.offset,
      epoch: publication.epoch,
    };
  }
}
