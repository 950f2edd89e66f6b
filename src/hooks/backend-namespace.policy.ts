import type { ChannelName, HookUser } from '@switchboard/protocol';
import type { Principal } from '../auth/principal.js';
import type { ChannelPolicy, NamespaceDeclaration } from '../core/channels/channel-policy.js';
import { BackendUnavailableError, GatewayError } from '../core/errors/gateway.error.js';
import type { BackendNamespaces } from './backend-namespaces.js';
import { BACKEND_UNAVAILABLE } from './backend-proxy.client.js';
import type { NamespaceSpec } from '../config/namespaces-file.js';

/** The user a backend decides for: the token's claims (contract §8). */
export function hookUser(principal: Principal): HookUser {
  return {
    userId: principal.sub,
    ...(principal.name !== undefined && { name: principal.name }),
    roles: principal.roles,
    channels: principal.channels,
  };
}

/** A backend-decided namespace as the channel registry knows it: no events of its own. */
export function backendNamespaceDeclaration(spec: NamespaceSpec): NamespaceDeclaration {
  const commands = [...spec.commands.keys()];
  return {
    namespace: spec.namespace,
    history: spec.history,
    presence: spec.presence,
    summary:
      'Owned by a backend service (NAMESPACES_FILE): it decides who may subscribe' +
      (commands.length > 0 ? ` and answers ${commands.join(', ')}` : '') +
      '; services publish into it over REST.',
  };
}

/**
 * The policy of a backend-decided namespace: every subscribe, and every REST history or
 * presence read by a user, asks the backend (the core never asks about `admin`, and lets role
 * `service` read). A deny is `FORBIDDEN` with the backend's reason; no usable answer is
 * `INTERNAL` `backend unavailable` (REST: 503), never an allow.
 */
export class BackendNamespacePolicy implements ChannelPolicy {
  constructor(
    private readonly spec: NamespaceSpec,
    private readonly namespaces: BackendNamespaces,
  ) {}

  async canSubscribe(principal: Principal, channel: ChannelName): Promise<boolean> {
    const decision = await this.namespaces.decideSubscribe(this.spec, channel.channel, hookUser(principal));
    switch (decision.kind) {
      case 'allow':
        return true;
      case 'deny':
        throw GatewayError.forbidden(decision.reason || `not allowed to use channel "${channel.channel}"`);
      case 'unavailable':
        // Logged by the proxy client (once per outage); the caller gets the contract's message.
        throw new BackendUnavailableError(new Error(decision.why), BACKEND_UNAVAILABLE);
    }
  }
}
