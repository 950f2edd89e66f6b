import { Injectable } from '@nestjs/common';
import { GatewayError } from '../errors/gateway.error.js';
import type { ChannelPolicy } from './channel-policy.js';
import { CHANNEL_PATTERN_DESCRIPTION, parseChannel, type ChannelName } from '@switchboard/protocol';

export interface ResolvedChannel extends ChannelName {
  readonly policy: ChannelPolicy;
}

/**
 * The namespaces this gateway knows. Domain modules register their policy at start-up;
 * a channel in any other namespace does not exist (`NOT_FOUND`).
 */
@Injectable()
export class ChannelRegistry {
  private readonly policies = new Map<string, ChannelPolicy>();

  register(policy: ChannelPolicy): void {
    if (this.policies.has(policy.namespace)) {
      throw new Error(`channel namespace "${policy.namespace}" is registered twice`);
    }
    this.policies.set(policy.namespace, policy);
  }

  /** Parses and resolves a channel: `BAD_REQUEST` if malformed, `NOT_FOUND` if unknown namespace. */
  resolve(value: unknown): ResolvedChannel {
    const parsed = parseChannel(value);
    if (!parsed) {
      throw GatewayError.badRequest(`invalid channel name: expected ${CHANNEL_PATTERN_DESCRIPTION}`, [
        { field: 'channel', messages: [`channel must be ${CHANNEL_PATTERN_DESCRIPTION}`] },
      ]);
    }
    const policy = this.policies.get(parsed.namespace);
    if (!policy) throw GatewayError.notFound(`unknown channel namespace "${parsed.namespace}"`);
    return { ...parsed, policy };
  }

  namespaces(): string[] {
    return [...this.policies.keys()];
  }
}
