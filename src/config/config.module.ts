import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { validateEnv } from './validate-env.js';

export type EnvSource = Record<string, string | undefined>;

/**
 * The validated environment. The source is explicit (default `process.env`) so an e2e test
 * can start several differently configured apps in one process.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: EnvSource = process.env): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          validatePredefined: false,
          load: [() => ({ ...validateEnv(env) })],
        }),
      ],
      providers: [AppConfig],
      exports: [AppConfig],
    };
  }
}
