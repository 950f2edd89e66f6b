import { Body, Controller, Post, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { Role } from '../auth/principal.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { ChannelPublisher } from '../realtime/publisher/channel-publisher.js';
import { PublishDto, PublishedDto } from './dto/publish.dto.js';
import { RestValidationPipe } from '../http/rest-validation.pipe.js';

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
  @ApiCreatedResponse({ type: PublishedDto })
  async publish(@Body() { channel, event, data }: PublishDto): Promise<PublishedDto> {
    const { publication } = await this.publisher.publish(channel, event, data ?? null);
    return { channel, event, offset: publication.offset, epoch: publication.epoch };
  }
}
