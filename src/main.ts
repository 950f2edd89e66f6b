import { existsSync } from 'node:fs';
import type { createApp as CreateApp } from './app.factory.js';
import { ConfigError, validateEnv } from './config/validate-env.js';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Fail fast, before Nest logs anything: one line that names the bad variable.
  try {
    validateEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`switchboard: ${error.message}\n`);
    process.exit(1);
  }
  // NestJS and the application load only now (over a second of CPU): a refused configuration
  // answers in a fraction of that.
  const [
    { Logger },
    { PinoLogger },
    { symbols: pinoSymbols },
    { createApp },
    { AppConfig },
    { TokenVerifier },
    { ShutdownDrain },
    { SAMPLE_TOKEN_CLAIMS, SAMPLE_TOKEN_TTL_SECONDS, sampleTokenBlock },
  ] = await Promise.all([
    import('@nestjs/common'),
    import('nestjs-pino'),
    import('pino'),
    import('./app.factory.js'),
    import('./config/app-config.js'),
    import('./auth/token-verifier.js'),
    import('./core/connections/shutdown-drain.js'),
    import('./dev/sample-token.js'),
  ]);

  let app: Awaited<ReturnType<typeof CreateApp>>;
  try {
    app = await createApp();
    // Modules initialise now rather than inside `listen`, so a refusal of theirs (a namespaces
    // file naming a module's namespace) is reported as a start-up failure, not a listen failure.
    await app.init();
  } catch (error) {
    process.stderr.write(
      `switchboard: start-up failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  const config = app.get(AppConfig);
  const logger = new Logger('Bootstrap');
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    process.stderr.write(`switchboard: ${listenFailure(error, config.port, config.host)}\n`);
    process.exit(1);
  }
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  if (config.conformance) {
    logger.warn(
      `Switchboard ${config.instanceId} listening on ${url} — CONFORMANCE=1: the Socket.IO protocol ` +
        'conformance app (namespaces / and /custom, authentication off); not the gateway, never for production',
    );
  } else {
    const mode =
      config.redis.kind === 'none' ? 'embedded (in-memory, single instance)' : `redis (${config.redis.kind})`;
    logger.log(`Switchboard ${config.instanceId} listening on ${url} — ${mode}; OpenAPI at ${url}/docs`);
  }
  if (config.jwt.generated && !config.conformance) {
    const token = app.get(TokenVerifier).sign(SAMPLE_TOKEN_CLAIMS, SAMPLE_TOKEN_TTL_SECONDS);
    logger.warn('JWT_SECRET is not set: a random secret for this run (development only); sample token below');
    // Not a log record: a block on stdout at any LOG_LEVEL, after every start-up record. pino
    // writes asynchronously, so a direct stdout write would overtake the records still queued:
    // the block goes through pino's own stream, behind them.
    const root = PinoLogger.root as unknown as Record<symbol, { write(text: string): unknown } | undefined>;
    (root?.[pinoSymbols.streamSym] ?? process.stdout).write(sampleTokenBlock(token));
  }

  // SIGTERM/SIGINT: drain, close, exit 0. Nest's own shutdown hooks re-raise the signal
  // after closing (exit 143), which orchestrators report as a crash.
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining`);
    const drain = app.get(ShutdownDrain);
    drain
      .drain()
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** One line naming the variables to change, instead of the stack of an unhandled rejection. */
function listenFailure(error: unknown, port: number, host: string): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `PORT ${port} is already in use on HOST ${host}`;
  const reason = error instanceof Error ? error.message : String(error);
  return `cannot listen on HOST ${host}, PORT ${port}: ${reason}`;
}

void bootstrap();
