import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { UserChannelPolicy } from '../realtime/channels/user-channel.policy.js';
import { ChannelPublisher } from '../realtime/publisher/channel-publisher.js';
import type { CreateNotificationDto, NotificationCreatedDto } from './dto/notification.dto.js';

export const NOTIFICATION_EVENT = 'notification';

/** Notifications land in the recipient's personal channel, on every connection they have. */
@Injectable()
export class NotificationsService {
  constructor(private readonly publisher: ChannelPublisher) {}

  async notify({ userId, title, body, data }: CreateNotificationDto): Promise<NotificationCreatedDto> {
    const id = randomUUID();
    const channel = UserChannelPolicy.channelOf(userId);
    const notification = {
      id,
      title,
      ...(body !== undefined && { body }),
      ...(data !== undefined && { data }),
      createdAt: new Date().toISOString(),
    };
    const { publication } = await this.publisher.publish(channel, NOTIFICATION_EVENT, notification);
    return { id, channel, offset: publication.offset };
  }
}
