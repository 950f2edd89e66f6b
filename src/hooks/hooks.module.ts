import { Module } from '@nestjs/common';
import { CoreModule } from '../core/core.module.js';
import { BackendNamespacesRegistrar } from './backend-namespaces.registrar.js';
import { HookClientsModule } from './hook-clients.module.js';

/**
 * Contract §8, wired into the core: webhooks out (the outbox the core's occupancy and presence
 * stores feed through its `ChannelChangeSink` port) and backend-decided namespaces in (registered
 * as namespaces and commands of the core). Infrastructure, imported once by the application;
 * the arrows run from here to the core only.
 */
@Module({
  imports: [HookClientsModule, CoreModule],
  providers: [BackendNamespacesRegistrar],
})
export class HooksModule {}
