import { Body, Controller, HttpCode, HttpStatus, Post, Res, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { Role } from '../auth/principal.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { ChannelPublisher } from '../core/index.js';
import { BatchItemPublishedDto, PublishDto, PublishedDto } from './dto/publish.dto.js';
import { BatchItemFailedDto, PublishBatchDto, PublishBatchResultDto } from './dto/publish-batch.dto.js';
import { BatchPublishService } from './batch-publish.service.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';
import {
  IdempotencyKey,
  NoIdempotencyKeyGuard,
  restIdempotencyKey,
} from '../http/idempotency-key.decorator.js';
import { ApiIdempotentPublish, markReplayed } from '../http/idempotent-publish.decorator.js';
import { ApiErrors } from '../http/api-errors.decorator.js';

/** The generic server publish API: any event into any known channel (role service). */
@ApiTags('publish')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, RolesGuard)
@UsePipes(RestValidationPipe)
@Roles(Role.Service)
@ApiErrors(400, 401, 403, 413)
@ApiExtraModels(PublishedDto, BatchItemPublishedDto, BatchItemFailedDto)
@Controller('api/v1/publish')
export class PublishController {
  constructor(
    private readonly publisher: ChannelPublisher,
    private readonly batches: BatchPublishService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Publish an event to a channel; subscribers receive it with its offset' })
  @ApiIdempotentPublish(PublishedDto)
  @ApiErrors(404)
  async publish(
    @Body() { channel, event, data }: PublishDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PublishedDto> {
    const result = await this.publisher.publish(channel, event, data ?? null, {
      idempotencyKey: restIdempotencyKey(idempotencyKey),
    });
    markReplayed(response, result.duplicate);
    // From the append's receipt: a replay answers exactly as the first request was answered.
    return { channel: result.channel, event: result.event, offset: result.offset, epoch: result.epoch };
  }

  @Post('batch')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Publish 1..100 publications in one call (role service)',
    description:
      'Each item is validated and published on its own: a bad item fails alone, in its result. Items of one ' +
      'channel are published in array order; results come back in request order. An item with an ' +
      'idempotencyKey already used for its channel (here or with the Idempotency-Key header) within ' +
      'IDEMPOTENCY_TTL_SECONDS is answered with the first publication and publishes nothing. With Redis, ' +
      'one round trip per Redis node. An item error 503 may hide a stored publication: retry it with its key. ' +
      'A replayed item carries replayed: true. An Idempotency-Key header is refused with 400: keys go on each item.',
  })
  @ApiOkResponse({ type: PublishBatchResultDto })
  @UseGuards(NoIdempotencyKeyGuard)
  async batch(@Body() { publications }: PublishBatchDto): Promise<PublishBatchResultDto> {
    return { results: await this.batches.publish(publications) };
  }
}
