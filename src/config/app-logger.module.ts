import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from './app-config.js';

/** pino at `LOG_LEVEL`, every record tagged with the instance, credentials redacted. */
export function appLoggerModule(): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({
      pinoHttp: {
        level: config.logLevel,
        base: { instance: config.instanceId },
        redact: ['req.headers.authorization', 'req.headers.cookie'],
      },
      // No request-context middleware: see src/http/http-access-log.ts.
      forRoutes: [],
    }),
  });
}
