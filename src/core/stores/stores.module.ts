import { Module } from '@nestjs/common';
import { BackendCall } from './backend-call.js';
import { CHANNEL_LOG } from './channel-log/channel-log.js';
import { CONNECTION_REGISTRY } from './connections/connection-registry.js';
import { OCCUPANCY_STORE } from './occupancy/occupancy-store.js';
import { PRESENCE_STORE } from './presence/presence-store.js';
import { REVOCATION_STORE } from './revocations/revocation-store.js';
import { STORE_BACKEND } from './store-backend.js';
import { backendProviders } from './stores.providers.js';

/**
 * The stores behind the core, chosen once by configuration: in memory (one instance) or in
 * Redis (many). Only the core's own modules import this one; domain modules never see a
 * store (they get module state through {@link ModuleState}).
 */
@Module({
  providers: [...backendProviders, BackendCall],
  exports: [
    STORE_BACKEND,
    CHANNEL_LOG,
    PRESENCE_STORE,
    CONNECTION_REGISTRY,
    OCCUPANCY_STORE,
    REVOCATION_STORE,
    BackendCall,
  ],
})
export class StoresModule {}
