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
    const { publication, duplicate } = await this.publisher.publish(
      channel,
      NOTIFICATION_EVENT,
      notification,
      {
        idempotencyKey,
      },
    );
    const stored = publication.data as { id?: unknown } | null;
    const storedId = typeof stored?.id === 'string' ? stored.id : id;
    return { created: { id: storedId, channel, offset: publication.offset }, duplicate };
  }
}
