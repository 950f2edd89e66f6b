/**
 * The module API: everything a domain module (chat, notifications, publish, yours) may use
 * from the core, and nothing else. A lint rule keeps domain code from importing the core any
 * other way, so the core can change behind this file. The guide is docs/modules.md.
 *
 * - Namespaces: `@ChannelNamespace(declaration)` on a `ChannelPolicy` provider (sync or async).
 * - Publishing: `ChannelPublisher` (stored, with offsets and history); `VolatileEvents` (not stored).
 * - Commands: `@CommandGateway()` classes with `@Command(name, doc)` handlers, `@Payload()` DTOs,
 *   `@Caller()`, `@ActsOnChannel(selector)` for per-message channel authorization, `ok(data)`.
 * - State: `ModuleState` (cluster-wide key-value with TTLs and atomic updates).
 * - Errors: `GatewayError` (the contract's codes; REST maps them to HTTP statuses).
 */
export { CoreModule } from './core.module.js';

export { ChannelEvents, ChannelNamespace } from './channels/channel-namespace.decorator.js';
export type {
  ChannelPolicy,
  EventDeclaration,
  NamespaceDeclaration,
  PayloadClass,
} from './channels/channel-policy.js';
export { ChannelPublisher } from './channels/channel-publisher.js';
export type { BatchItem, BatchOutcome, PublishOptions } from './channels/channel-publisher.js';
export type { AppendResult as PublishResult } from './stores/channel-log/channel-log.js';
export { personalChannel } from './channels/user-channel.policy.js';

export { VolatileEvents } from './delivery/volatile-events.js';

export { ActsOnChannel, type ChannelSelector } from './connections/commands/channel.guard.js';
export {
  Caller,
  Command,
  CommandGateway,
  type CommandCaller,
  type CommandDoc,
} from './connections/commands/command.decorator.js';
export { Payload } from './connections/commands/command-payload.pipe.js';
export { ok } from './connections/gateway-socket.js';

export { ModuleState, ModuleStateScope, type StateWriteOptions } from './stores/module-state/module-state.js';

export { GatewayError } from './errors/gateway.error.js';
export type { Principal } from '../auth/principal.js';
export { hasRole, isChannelGranted, Role } from '../auth/principal.js';
