import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChannelEvents, ChannelPublisher, personalChannel } from '../core/index.js';
import { NotificationDataDto } from './dto/notification.dto.js';
import type { CreateNotificationDto, NotificationCreatedDto } from './dto/notification.dto.js';

export const NOTIFICATION_EVENT = 'notification';

/** Notifications land in the recipient's personal channel, on every connection they have. */
@ChannelEvents('user', {
  [NOTIFICATION_EVENT]: {
    summary: 'A notification for this user (POST /api/v1/notifications)',
    data: NotificationDataDto,
  },
})
@Injectable()
export class NotificationsService {
  constructor(private readonly publisher: ChannelPublisher) {}

  /**
   * `idempotencyKey` is already scoped (see ChannelPublisher's PublishOptions); a replay
   * answers with the first notification's id and offset.
   */
  async notify(
    { userId, title, body, data }: CreateNotificationDto,
    idempotencyKey?: string,
  ): Promise<{ created: NotificationCreatedDto; duplicate: boolean }> {
    const id = randomUUID();
    const channel = personalChannel(userId);
    const notification = {
      id,
      title,
      ...(body !== undefined && { body }),
      ...(data !== undefined && { data }),
      createdAt: new Date().toISOString(),
    };
    // The id is the receipt kept with the key: a replay answers with the first notification's id.
    const result = await this.publisher.publish(channel, NOTIFICATION_EVENT, notification, {
      idempotencyKey,
      receipt: id,
    });
    const createdId = result.duplicate ? (result.receipt ?? id) : id;
    return { created: { id: createdId, channel, offset: result.offset }, duplicate: result.duplicate };
  }
}
