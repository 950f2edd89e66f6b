import { Module } from '@nestjs/common';
import { BackendCall } from './backend-call.js';
import { CHANNEL_LOG } from './channel-log/channel-log.js';
import { CONNECTION_REGISTRY } from './connections/connection-registry.js';
import { ModuleState } from './module-state/module-state.js';
import { MODULE_STATE_STORE } from './module-state/module-state.store.js';
import { OCCUPANCY_STORE } from './occupancy/occupancy-store.js';
import { PRESENCE_STORE } from './presence/presence-store.js';
import { REVOCATION_STORE } from './revocations/revocation-store.js';
import { STORE_BACKEND } from './store-backend.js';
import { INSTANCE_MEMBER_ID } from './instance-member.js';
import { backendProviders } from './stores.providers.js';

/**
 * The stores behind the core, chosen once by configuration: in memory (one instance) or in
 * Redis (many). Only the core's own modules import this one; domain modules never see a
 * store (they get module state through {@link ModuleState}, exported for them).
 */
@Module({
  providers: [...backendProviders, BackendCall, ModuleState],
  exports: [
    STORE_BACKEND,
    INSTANCE_MEMBER_ID,
    CHANNEL_LOG,
    PRESENCE_STORE,
    CONNECTION_REGISTRY,
    OCCUPANCY_STORE,
    REVOCATION_STORE,
    MODULE_STATE_STORE,
    BackendCall,
    ModuleState,
  ],
})
export class StoresModule {}
