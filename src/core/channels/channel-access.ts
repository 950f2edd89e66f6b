import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@switchboard/protocol';
import { hasRole, Role, type Principal } from '../../auth/principal.js';
import { BackendUnavailableError, GatewayError } from '../errors/gateway.error.js';
import { ChannelRegistry, type ResolvedChannel } from './channel-registry.js';

/**
 * Message-level authorization of one channel for one principal, shared by the socket
 * guard, the REST channel endpoints and token refresh. `admin` may use any channel and is
 * never asked about; everyone else is asked of the namespace's policy, which may be
 * asynchronous. A policy that fails (anything but a contract error) is `INTERNAL`, never an
 * allow.
 */
@Injectable()
export class ChannelAccess {
  private readonly logger = new Logger(ChannelAccess.name);

  constructor(private readonly registry: ChannelRegistry) {}

  /**
   * Resolves `value` and checks that `principal` may subscribe; throws the contract's error (a
   * policy may refuse with its own `FORBIDDEN` message, such as a backend's reason).
   */
  async authorize(principal: Principal, value: unknown): Promise<ResolvedChannel> {
    const channel = this.registry.resolve(value);
    if (!(await this.ask(principal, channel))) {
      throw GatewayError.forbidden(`not allowed to use channel "${channel.channel}"`);
    }
    return channel;
  }

  /** Whether `principal` may use `channel`: a policy's `FORBIDDEN` is a no, other failures throw. */
  async allows(principal: Principal, channel: ResolvedChannel): Promise<boolean> {
    try {
      return await this.ask(principal, channel);
    } catch (error) {
      if (error instanceof GatewayError && error.code === ErrorCode.Forbidden) return false;
      throw error;
    }
  }

  private async ask(principal: Principal, channel: ResolvedChannel): Promise<boolean> {
    if (hasRole(principal, Role.Admin)) return true;
    let allowed: unknown;
    try {
      allowed = await channel.policy.canSubscribe(principal, channel);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      this.logger.warn(`the policy of namespace "${channel.namespace}" failed: ${String(error)}`);
      throw new BackendUnavailableError(error, `could not check access to "${channel.channel}", try again`);
    }
    return allowed === true;
  }

  /** Like {@link authorize}, but role `service` may also read any known channel (REST reads). */
  authorizeRead(principal: Principal, value: unknown): Promise<ResolvedChannel> {
    if (!hasRole(principal, Role.Service)) return this.authorize(principal, value);
    return Promise.resolve(this.registry.resolve(value));
  }
}
