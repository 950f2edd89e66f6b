import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REDACTED_LOG_PATHS } from './http/log-redaction.js';
import { AppConfig } from './config/app-config.js';

/** pino at `LOG_LEVEL`, every record tagged with the instance, credentials redacted. */
export function appLoggerModule(): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({
      pinoHttp: {
        level: config.logLevel,
        base: { instance: config.instanceId },
        // Credential headers (contract v3 §7); credential query parameters: http-access-log.ts.
        redact: REDACTED_LOG_PATHS,
      },
      // No request-context middleware: see src/http/http-access-log.ts.
      forRoutes: [],
    }),
  });
}
