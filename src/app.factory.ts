import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ErrorRequestHandler } from 'express';
import iconv from 'iconv-lite';
import { Logger } from 'nestjs-pino';
import { serveAdminUi } from './admin/admin-ui.assets.js';
import { AdminUiInstrumentation } from './admin/admin-ui.instrumentation.js';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { APP_VERSION } from './config/app-version.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import type { EnvSource } from './config/config.module.js';
import { validateEnv } from './config/validate-env.js';
import { STORE_BACKEND, type StoreBackend } from './core/stores/store-backend.js';
import { SwitchboardIoAdapter } from './core/connections/switchboard-io.adapter.js';
import { httpAccessLog } from './http/http-access-log.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));

/**
 * body-parser failures (413, malformed JSON) in the NestJS error body, not Express's HTML page;
 * a body over `MAX_PAYLOAD_BYTES` counts as a payload refused by size.
 */
function bodyParserErrors(metrics: GatewayMetrics): ErrorRequestHandler {
  const tooBig = metrics.payloadsRefused.labels('size');
  return (error: unknown, _req, res, next) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) return next(error);
    if (status === 413) tooBig.inc();
    const message = status === 413 ? 'request body exceeds MAX_PAYLOAD_BYTES' : 'malformed JSON body';
    const phrase = status === 413 ? 'Payload Too Large' : 'Bad Request';
    res.status(status).json({ statusCode: status, message, error: phrase });
  };
}

/**
 * Builds the whole application, exactly as `main.ts` runs it and as the e2e tests start it:
 * body limits, validation, OpenAPI, the demo page and the Socket.IO adapter.
 */
export async function createApp(env: EnvSource = process.env): Promise<NestExpressApplication> {
  if (validateEnv(env).CONFORMANCE === '1') {
    // The protocol conformance app instead (never in production): loaded only in that mode.
    const { createConformanceApp } = await import('./conformance/conformance.app.js');
    return createConformanceApp(env);
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bufferLogs: true,
    bodyParser: false,
    // Let a start-up failure (Redis unreachable) reach main.ts, which reports it in one line.
    abortOnError: false,
    logger: false,
  });
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);

  app.use(httpAccessLog());

  app.useBodyParser('json', { limit: config.maxPayloadBytes, strict: false });
  // body-parser decodes every body through iconv-lite, which loads its encoding tables on
  // first use: ~40 ms inside the first REST call after start. Load them now instead.
  iconv.getDecoder('utf-8');
  app.use(bodyParserErrors(app.get(GatewayMetrics)));
  // REST follows the same origin rule as the handshake: unset means any origin (contract §1).
  app.enableCors({ origin: config.corsOrigins ? [...config.corsOrigins] : true });
  app.useStaticAssets(PUBLIC_DIR, { index: 'index.html' });
  // Off by default: without ADMIN_UI_PASSWORD_HASH, /admin/ is a 404 and /admin an unknown namespace.
  if (config.adminUi) serveAdminUi(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard')
      .setDescription(
        'REST API of the Switchboard real-time gateway. Socket.IO commands and events: /docs/asyncapi.yaml',
      )
      .setVersion(APP_VERSION)
      // 3.1: schemas are JSON Schema 2020-12, so `data` can say "any JSON value, null included".
      .setOpenAPIVersion('3.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  const backend = app.get<StoreBackend>(STORE_BACKEND);
  // The admin UI's namespace is attached after the adapter, so it uses the Redis adapter too.
  const plugins = config.adminUi
    ? [
        new AdminUiInstrumentation({
          ...config.adminUi,
          instanceId: config.instanceId,
          production: config.production,
          loginFailures: app.get(GatewayMetrics).adminLoginFailures,
        }),
      ]
    : [];
  app.useWebSocketAdapter(new SwitchboardIoAdapter(app, backend.socketAdapter, plugins));
  return app;
}
