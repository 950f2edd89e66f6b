import { Injectable } from '@nestjs/common';
import type { ServerEventName, ServerEvents } from '@switchboard/protocol';
import { ServerEmitter } from './server-emitter.js';

/**
 * Volatile events (never stored: no offset, no history) to a channel's subscribers on every
 * instance, typed by the protocol's `ServerEvents` map (a module adds its own by declaration
 * merging in `packages/protocol/src/modules/<name>.ts`). For what must not be lost, publish
 * instead (`ChannelPublisher`).
 */
@Injectable()
export class VolatileEvents {
  constructor(private readonly emitter: ServerEmitter) {}

  /** To every subscriber of `channel`, except the connection `exceptConnectionId` (the sender). */
  toChannel<E extends ServerEventName>(
    channel: string,
    event: E,
    payload: ServerEvents[E],
    exceptConnectionId?: string,
  ): void {
    this.emitter.toChannel(channel, event, payload, exceptConnectionId);
  }
}
