import type { HookUser } from '@switchboard/protocol';
import type { HooksConfig } from '../config/app-config.js';
import {
  BackendProxyClient,
  type BackendProxyObserver,
  type ForwardedAck,
  type SubscribeDecision,
} from './backend-proxy.client.js';
import type { HookHttpClient } from './hook-http.client.js';
import { namespaceClash, type NamespaceSpec } from '../config/namespaces-file.js';

/**
 * The namespaces of `NAMESPACES_FILE` and the way to ask their backends: what the channel
 * registry needs to register them as policies, and their commands as forwarded commands.
 */
export class BackendNamespaces {
  private readonly specs: ReadonlyMap<string, NamespaceSpec>;
  private readonly proxy?: BackendProxyClient;

  constructor(
    hooks: Pick<HooksConfig, 'namespaces' | 'proxyTimeoutMs'>,
    http?: HookHttpClient,
    observer?: BackendProxyObserver,
  ) {
    this.specs = new Map(hooks.namespaces.map((spec) => [spec.namespace, spec]));
    // A namespaces file requires HOOKS_SECRET (validated), so the signing client exists.
    if (this.specs.size > 0) {
      if (!http) throw new Error('NAMESPACES_FILE is set without HOOKS_SECRET');
      this.proxy = new BackendProxyClient(http, hooks.proxyTimeoutMs, observer);
    }
  }

  /** Every backend-decided namespace, in file order. */
  all(): readonly NamespaceSpec[] {
    return [...this.specs.values()];
  }

  get(namespace: string): NamespaceSpec | undefined {
    return this.specs.get(namespace);
  }

  /**
   * The one line start-up refuses with when a namespace of the file is owned by a module
   * (`taken`: the registry's namespaces); `undefined` when none is.
   */
  clashWith(taken: Iterable<string>): string | undefined {
    return namespaceClash(this.all(), taken);
  }

  decideSubscribe(spec: NamespaceSpec, channel: string, user: HookUser): Promise<SubscribeDecision> {
    return this.client().decideSubscribe(spec, channel, user);
  }

  forwardCommand(
    spec: NamespaceSpec,
    command: string,
    payload: unknown,
    user: HookUser,
  ): Promise<ForwardedAck> {
    return this.client().forwardCommand(spec, command, payload, user);
  }

  private client(): BackendProxyClient {
    if (!this.proxy) throw new Error('no backend-decided namespace is configured');
    return this.proxy;
  }
}
