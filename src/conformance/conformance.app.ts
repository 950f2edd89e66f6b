import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { EnvSource } from '../config/config.module.js';
import { ConformanceIoAdapter } from './conformance-io.adapter.js';
import { ConformanceModule } from './conformance.module.js';

/** The `CONFORMANCE=1` application: see {@link ConformanceModule}. */
export async function createConformanceApp(env: EnvSource): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ConformanceModule.forRoot(env), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
    logger: false,
  });
  app.useLogger(app.get(Logger));
  app.useWebSocketAdapter(new ConformanceIoAdapter(app));
  return app;
}
