import { Injectable } from '@nestjs/common';
import { hasRole, Role, type Principal } from '../../auth/principal.js';
import { GatewayError } from '../errors/gateway.error.js';
import { ChannelRegistry, type ResolvedChannel } from './channel-registry.js';

/**
 * Message-level authorization of one channel for one principal, shared by the socket
 * guard, the REST channel endpoints and token refresh. `admin` may use any channel.
 */
@Injectable()
export class ChannelAccess {
  constructor(private readonly registry: ChannelRegistry) {}

  /** Resolves `value` and checks that `principal` may subscribe; throws the contract's error. */
  authorize(principal: Principal, value: unknown): ResolvedChannel {
    const channel = this.registry.resolve(value);
    if (!this.allows(principal, channel)) {
      throw GatewayError.forbidden(`not allowed to use channel "${channel.channel}"`);
    }
    return channel;
  }

  allows(principal: Principal, channel: ResolvedChannel): boolean {
    return hasRole(principal, Role.Admin) || channel.policy.canSubscribe(principal, channel);
  }

  /** Like {@link authorize}, but role `service` may also read any known channel (REST reads). */
  authorizeRead(principal: Principal, value: unknown): ResolvedChannel {
    if (!hasRole(principal, Role.Service)) return this.authorize(principal, value);
    return this.registry.resolve(value);
  }
}
