import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { isChannelGranted, type Principal } from '../../../auth/principal.js';
import type { ChannelPolicy } from '../../channels/channel-policy.js';
import { ChannelAccess } from '../../channels/channel-access.js';
import { ChannelRegistry } from '../../channels/channel-registry.js';
import { UserChannelPolicy } from '../../channels/user-channel.policy.js';
import { GatewayError } from '../../errors/gateway.error.js';
import { ActsOnChannel, ChannelGuard } from './channel.guard.js';
import type { ChannelName } from '@switchboard/protocol';

/** A grant-based namespace like chat's, without importing a domain module into the core's tests. */
export class ChatChannelPolicyStub implements ChannelPolicy {
  readonly namespace = 'chat';
  readonly history = true;
  readonly presence = true;

  canSubscribe(principal: Principal, channel: ChannelName): boolean {
    return isChannelGranted(principal, channel.channel);
  }
}

class Handlers {
  @ActsOnChannel()
  subscribe(): void {}

  @ActsOnChannel(({ room }) => (typeof room === 'string' ? `chat:${room}` : undefined))
  send(): void {}

  free(): void {}
}

function contextFor(handler: keyof Handlers, payload: unknown, principal: Principal): ExecutionContextHost {
  const socket = { data: { principal } };
  const context = new ExecutionContextHost([socket, payload], Handlers, Handlers.prototype[handler]);
  context.setType('ws');
  return context;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
}

describe('ChannelGuard', () => {
  const registry = new ChannelRegistry();
  registry.register(new UserChannelPolicy());
  registry.register(new ChatChannelPolicyStub());
  const guard = new ChannelGuard(new Reflector(), new ChannelAccess(registry));
  const alice: Principal = { sub: 'alice', roles: [], channels: ['chat:team-*'] };
  const admin: Principal = { sub: 'root', roles: ['admin'], channels: [] };

  it.each([
    ['subscribe', { channel: 'user:alice' }, alice, undefined],
    ['subscribe', { channel: 'user:bob' }, alice, 'FORBIDDEN'],
    ['subscribe', { channel: 'user:bob' }, admin, undefined],
    ['subscribe', { channel: 'chat:team-red' }, alice, undefined],
    ['subscribe', { channel: 'chat:lobby' }, alice, 'FORBIDDEN'],
    ['subscribe', { channel: 'nope:x' }, admin, 'NOT_FOUND'],
    ['subscribe', { channel: 'no channel' }, admin, 'BAD_REQUEST'],
    ['send', { room: 'team-blue', text: 'hi' }, alice, undefined],
    ['send', { room: 'lobby', text: 'hi' }, alice, 'FORBIDDEN'],
  ] as const)('%s %j as %j → %s', (handler, payload, principal, code) => {
    expect(codeOf(() => guard.canActivate(contextFor(handler, payload, principal)))).toBe(code);
  });

  it('leaves payloads without a usable channel to validation', () => {
    expect(guard.canActivate(contextFor('subscribe', { channel: 7 }, alice))).toBe(true);
    expect(guard.canActivate(contextFor('subscribe', 'text', alice))).toBe(true);
    expect(guard.canActivate(contextFor('free', { channel: 'user:bob' }, alice))).toBe(true);
  });
});
