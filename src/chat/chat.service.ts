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

/** The author name of a message a backend posts through the REST API. */
export const SYSTEM_AUTHOR_NAME = 'System';

export interface ChatPosted {
  readonly id: string;
  readonly offset: number;
}

/** The first answer again when `duplicate` (an idempotency key repeated). */
export interface ChatPostResult {
  readonly posted: ChatPosted;
  readonly duplicate: boolean;
}

@Injectable()
export class ChatService {
  constructor(private readonly publisher: ChannelPublisher) {}

  /** A user's message. A repeated `clientId` returns the first send's result (safe retries). */
  async send(principal: Principal, room: string, text: string, clientId?: string): Promise<ChatPosted> {
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
    // Keys are per channel (the room) already; scoped per user so users never collide.
    const idempotencyKey = clientId === undefined ? undefined : `client:${principal.sub}:${clientId}`;
    return (await this.publish(message, idempotencyKey)).posted;
  }

  /**
   * A message from a backend service: the room hears it from the system, so it is named
   * {@link SYSTEM_AUTHOR_NAME} (what any client shows as its author) and marked `from.system`,
   * never given the service token's own `name` (the development token's is "Developer", which
   * read as a person); `userId` keeps which service posted it. `idempotencyKey` is already
   * scoped (see ChannelPublisher's PublishOptions).
   */
  system(principal: Principal, room: string, text: string, idempotencyKey?: string): Promise<ChatPostResult> {
    const from: ChatAuthor = { userId: principal.sub, name: SYSTEM_AUTHOR_NAME, system: true };
    return this.publish({ id: randomUUID(), room, text, from }, idempotencyKey);
  }

  private async publish(message: ChatMessage, idempotencyKey?: string): Promise<ChatPostResult> {
    const { publication, duplicate } = await this.publisher.publish(
      ChatChannelPolicy.channelOf(message.room),
      CHAT_MESSAGE_EVENT,
      message,
      { idempotencyKey },
    );
    // A replay answers from the stored publication: the id is the first message's.
    return { posted: { id: (publication.data as ChatMessage).id, offset: publication.offset }, duplicate };
  }
}
