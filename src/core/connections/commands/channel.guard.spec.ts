import { type DiscoveryService, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { isChannelGranted, type Principal } from '../../../auth/principal.js';
import type { ChannelPolicy, NamespaceDeclaration } from '../../channels/channel-policy.js';
import { ChannelAccess } from '../../channels/channel-access.js';
import { ChannelRegistry } from '../../channels/channel-registry.js';
import { UserChannelPolicy } from '../../channels/user-channel.policy.js';
import { GatewayError } from '../../errors/gateway.error.js';
import { ActsOnChannel, ChannelGuard } from './channel.guard.js';
import type { ChannelName } from '@switchboard/protocol';

/** A grant-based namespace like chat's, without importing a domain module into the core's tests. */
const chatLike: NamespaceDeclaration = { namespace: 'chat', history: true, presence: true, summary: 'chat' };
class ChatChannelPolicyStub implements ChannelPolicy {
  canSubscribe(principal: Principal, channel: ChannelName): Promise<boolean> {
    return Promise.resolve(isChannelGranted(principal, channel.channel));
  }
}

/** A namespace whose policy depends on something that is down. */
const broken: NamespaceDeclaration = { namespace: 'broken', history: false, presence: false, summary: 'x' };
class BrokenPolicy implements ChannelPolicy {
  canSubscribe(): Promise<boolean> {
    return Promise.reject(new Error('repository unreachable'));
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

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
}

describe('ChannelGuard', () => {
  const registry = new ChannelRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
  registry.register(UserChannelPolicy.declaration, new UserChannelPolicy());
  registry.register(chatLike, new ChatChannelPolicyStub());
  registry.register(broken, new BrokenPolicy());
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
    // A policy that fails is never an allow; admin is not asked at all.
    ['subscribe', { channel: 'broken:x' }, alice, 'INTERNAL'],
    ['subscribe', { channel: 'broken:x' }, admin, undefined],
  ] as const)('%s %j as %j → %s', async (handler, payload, principal, code) => {
    expect(await codeOf(() => guard.canActivate(contextFor(handler, payload, principal)))).toBe(code);
  });

  it('leaves payloads without a usable channel to validation', async () => {
    await expect(guard.canActivate(contextFor('subscribe', { channel: 7 }, alice))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor('subscribe', 'text', alice))).resolves.toBe(true);
    await expect(guard.canActivate(contextFor('free', { channel: 'user:bob' }, alice))).resolves.toBe(true);
  });
});
