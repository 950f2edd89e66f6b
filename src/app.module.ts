import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import { DocsModule } from './docs/docs.module.js';
import { appLoggerModule } from './app-logger.module.js';
import { AppConfigModule, type EnvSource } from './config/config.module.js';
import { validateEnv } from './config/validate-env.js';
import { isDevelopmentEnvironment } from './config/env.dto.js';
import { DevModule } from './dev/dev.module.js';
import { HealthModule } from './health/health.module.js';
import { HooksModule } from './hooks/hooks.module.js';
import { RestApiModule } from './http/rest-api.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PublishModule } from './publish/publish.module.js';
import { GatewayErrorHttpFilter } from './http/gateway-error.http-filter.js';
import { CoreModule } from './core/core.module.js';

@Module({})
export class AppModule {
  static forRoot(env: EnvSource = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        appLoggerModule(),
        MetricsModule,
        AuthModule,
        CoreModule,
        // Webhooks out, backend-decided namespaces in (contract §8): no-ops unless configured.
        HooksModule,
        RestApiModule,
        HealthModule,
        DocsModule,
        // Domain modules, one line each (`npm run generate:module -- <name>` adds one).
        ChatModule,
        NotificationsModule,
        PublishModule,
        // Mints tokens for anyone (the demo's sign-in): the route exists only where a developer
        // runs the gateway (NODE_ENV exactly development or test), never in production, staging or `prod`.
        ...(isDevelopmentEnvironment(validateEnv(env).NODE_ENV) ? [DevModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: GatewayErrorHttpFilter }],
    };
  }
}
