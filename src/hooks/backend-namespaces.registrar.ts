import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ChannelRegistry } from '../core/channels/channel-registry.js';
import { CommandTable } from '../core/connections/commands/command-table.js';
import { BackendNamespaces } from './backend-namespaces.js';
import { BackendNamespacePolicy, backendNamespaceDeclaration } from './backend-namespace.policy.js';
import { forwardedCommand } from './forwarded-command.handler.js';

/**
 * Registers the namespaces of `NAMESPACES_FILE` with the core as any module's: each in the
 * channel registry (its history and presence flags, a policy that asks the backend) and each
 * of its commands in the command table. From then on history, presence, recovery, occupancy,
 * webhooks and the AsyncAPI document treat them as built-in ones.
 *
 * Runs once every module has declared its namespaces (after the registry's own discovery), and
 * refuses start-up with one line when the file names a namespace a module owns.
 */
@Injectable()
export class BackendNamespacesRegistrar implements OnModuleInit {
  private readonly logger = new Logger(BackendNamespacesRegistrar.name);

  constructor(
    private readonly namespaces: BackendNamespaces,
    private readonly registry: ChannelRegistry,
    private readonly commands: CommandTable,
  ) {}

  onModuleInit(): void {
    const specs = this.namespaces.all();
    if (specs.length === 0) return;
    const clash = this.namespaces.clashWith(this.registry.namespaces());
    if (clash !== undefined) throw new Error(clash);
    for (const spec of specs) {
      this.registry.register(
        backendNamespaceDeclaration(spec),
        new BackendNamespacePolicy(spec, this.namespaces),
      );
      for (const command of spec.commands.keys()) {
        this.commands.register(command, forwardedCommand(spec, this.namespaces), {
          summary: `Forwarded to the backend of namespace "${spec.namespace}", which answers it`,
        });
      }
    }
    this.logger.log(`backend-decided namespaces: ${specs.map((spec) => spec.namespace).join(', ')}`);
  }
}
