import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChannelPublisher, type Principal } from '../core/index.js';
import { CHAT_MESSAGE_EVENT, ChatChannelPolicy } from './chat-channel.policy.js';

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
    return (await this.publish(message, idempotencyKey, 'chat')).posted;
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
    return this.publish({ id: randomUUID(), room, text, from }, idempotencyKey, 'rest');
  }

  private async publish(
    message: ChatMessage,
    idempotencyKey: string | undefined,
    source: 'chat' | 'rest',
  ): Promise<ChatPostResult> {
    // The id is the receipt kept with the key: a replay answers with the first message's id.
    const result = await this.publisher.publish(
      ChatChannelPolicy.channelOf(message.room),
      CHAT_MESSAGE_EVENT,
      message,
      { idempotencyKey, receipt: message.id, source },
    );
    const id = result.duplicate ? (result.receipt ?? message.id) : message.id;
    return { posted: { id, offset: result.offset }, duplicate: result.duplicate };
  }
}
