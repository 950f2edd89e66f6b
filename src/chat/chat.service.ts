import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ChannelPublisher } from '../realtime/publisher/channel-publisher.js';
import { ChatChannelPolicy } from './chat-channel.policy.js';

export interface ChatAuthor {
  userId: string;
  name?: string;
  system?: true;
}

export interface ChatMessage {
  id: string;
  room: string;
  text: string;
  from: ChatAuthor;
  clientId?: string;
}

export const CHAT_MESSAGE_EVENT = 'chat.message';

@Injectable()
export class ChatService {
  constructor(private readonly publisher: ChannelPublisher) {}

  /** A user's message. A repeated `clientId` returns the first send's result (safe retries). */
  async send(
    principal: Principal,
    room: string,
    text: string,
    clientId?: string,
  ): Promise<{ id: string; offset: number }> {
    const from: ChatAuthor = {
      userId: principal.sub,
      ...(principal.name !== undefined && { name: principal.name }),
    };
    const message: ChatMessage = {
      id: randomUUID(),
      room,
      text,
      from,
      ...(clientId !== undefined && { clientId }),
    };
    const idempotencyKey = clientId === undefined ? undefined : `chat:${room}:${principal.sub}:${clientId}`;
    return this.publish(message, idempotencyKey);
  }

  /** A message from a backend service, marked `from.system`. */
  system(principal: Principal, room: string, text: string): Promise<{ id: string; offset: number }> {
    const from: ChatAuthor = {
      userId: principal.sub,
      ...(principal.name !== undefined && { name: principal.name }),
      system: true,
    };
    return this.publish({ id: randomUUID(), room, text, from });
  }

  private async publish(
    message: ChatMessage,
    idempotencyKey?: string,
  ): Promise<{ id: string; offset: number }> {
    const { publication } = await this.publisher.publish(
      ChatChannelPolicy.channelOf(message.room),
      CHAT_MESSAGE_EVENT,
      message,
      { idempotencyKey },
    );
    return { id: (publication.data as ChatMessage).id, offset: publication.offset };
  }
}
