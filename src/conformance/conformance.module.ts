import { type DynamicModule, Module } from '@nestjs/common';
import { appLoggerModule } from '../app-logger.module.js';
import { AppConfigModule, type EnvSource } from '../config/config.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ShutdownDrain } from '../core/connections/shutdown-drain.js';
import { SocketServerRef } from '../core/delivery/socket-server.ref.js';
import { ConformanceGateway, CustomConformanceGateway } from './conformance.gateway.js';

/**
 * `CONFORMANCE=1` (never in production): the Socket.IO server alone, with the namespaces the
 * official protocol test suite talks to, instead of the gateway's channels and commands. It
 * is loaded only in that mode; the gateway's own modules are not, so nothing on their path
 * knows the mode exists. The drain stays, so SIGTERM ends it as it ends the gateway.
 */
@Module({})
export class ConformanceModule {
  static forRoot(env: EnvSource): DynamicModule {
    return {
      module: ConformanceModule,
      imports: [AppConfigModule.forRoot(env), appLoggerModule(), MetricsModule],
      providers: [SocketServerRef, ShutdownDrain, ConformanceGateway, CustomConformanceGateway],
    };
  }
}
