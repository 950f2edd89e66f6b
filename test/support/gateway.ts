import type { NestExpressApplication } from '@nestjs/platform-express';
import jwt from 'jsonwebtoken';
import { createApp } from '../../src/app.factory.js';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghij';

export interface TokenClaims {
  sub: string;
  name?: string;
  roles?: string[];
  channels?: string[];
  [claim: string]: unknown;
}

export interface RunningGateway {
  readonly app: NestExpressApplication;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** A token signed with this gateway's secret; `expiresIn` in seconds (default 1 h). */
  token(claims: TokenClaims, options?: jwt.SignOptions): string;
  close(): Promise<void>;
}

/**
 * Tests call the server with fetch() (undici), which keeps an idle connection 4 s; Node's server
 * closes it after 5 s. A request sent on a connection the server is closing at that moment fails
 * with ECONNRESET (nodejs/undici#3141), and a loaded machine stretches the gap between test
 * steps into that window. Here the server never closes an idle connection, so the client always
 * does first; `app.close()` still closes idle connections.
 */
export function leaveIdleConnectionsToClients(app: NestExpressApplication): void {
  app.getHttpServer().keepAliveTimeout = 0;
}

/**
 * Starts the real application (the same `createApp` as `main.ts`) on a free loopback port.
 * `env` overrides the test defaults; nothing is read from the process environment.
 */
export async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const settings = { NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...env };
  const app = await createApp(settings);
  leaveIdleConnectionsToClients(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('gateway did not bind');
  const secret = settings.JWT_SECRET;
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    token: (claims, options = {}) =>
      jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 3600, ...options }),
    close: () => app.close(),
  };
}
