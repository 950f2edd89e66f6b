import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ChannelAccess } from '../../channels/channel-access.js';
import type { GatewaySocket } from '../gateway-socket.js';

/** Reads the channel a command acts on from its raw payload. */
export type ChannelSelector = (payload: Record<string, unknown>) => unknown;

const CHANNEL_SELECTOR = 'switchboard:channel-selector';

/** The selector `@ActsOnChannel` put on a handler, if any. */
export function channelSelectorOf(handler: object): ChannelSelector | undefined {
  return Reflect.getMetadata(CHANNEL_SELECTOR, handler) as ChannelSelector | undefined;
}

/** Marks a command as acting on a channel; {@link ChannelGuard} authorizes it per message. */
export const ActsOnChannel = (selector: ChannelSelector = (payload) => payload['channel']): MethodDecorator =>
  SetMetadata(CHANNEL_SELECTOR, selector);

/**
 * Message-level authorization: the connection's current principal must be allowed on the
 * command's channel (`NOT_FOUND` for an unknown namespace, `FORBIDDEN` otherwise). Guards run
 * before validation, so a payload without a usable channel is left for the DTO to refuse.
 */
@Injectable()
export class ChannelGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: ChannelAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const selector = this.reflector.get<ChannelSelector | undefined>(CHANNEL_SELECTOR, context.getHandler());
    if (!selector) return true;
    const payload = context.switchToWs().getData<unknown>();
    if (typeof payload !== 'object' || payload === null) return true;
    const channel = selector(payload as Record<string, unknown>);
    if (typeof channel !== 'string') return true;
    await this.access.authorize(context.switchToWs().getClient<GatewaySocket>().data.principal, channel);
    return true;
  }
}
