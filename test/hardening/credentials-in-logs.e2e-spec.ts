import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import {
  CLUSTER_SECRET,
  type GatewayProcess,
  jsonLines,
  startGatewayProcess,
  until,
} from '../deploy/support/gateway-processes.js';
import { request } from '../support/http.js';
import { ADMIN_UI_ENV, ADMIN_USER, adminClient, open } from '../ops/support/admin-ui.js';

jest.setTimeout(120_000);

type LogLine = Record<string, unknown> & { event?: string; msg?: string; req?: Record<string, unknown> };

/**
 * Issue 17, item 7 (and the logging of item 6): no log line holds a token or a credential
 * (contract v3 §7). Before, `?access_token=<JWT>` or `?token=` on a REST call and the headers
 * `Proxy-Authorization`, `X-Access-Token` and `X-Api-Key` were written verbatim at info level.
 * A real gateway process (`node dist/main.js`) at LOG_LEVEL=debug, so every line is written;
 * every credential sent carries a marker, and none may appear in its output.
 */
describe('credentials never reach the log (a gateway process at debug level)', () => {
  let gateway: GatewayProcess;
  const sent = new Set<string>();
  const secret = (name: string): string => {
    const value = `secret-${name}-4b1d`;
    sent.add(value);
    return value;
  };
  const lines = (): LogLine[] => jsonLines<LogLine>(gateway);

  beforeAll(async () => {
    gateway = await startGatewayProcess('logs-redaction', { LOG_LEVEL: 'debug', ...ADMIN_UI_ENV });
  });
  afterAll(async () => {
    if (gateway?.process.exitCode === null) {
      gateway.process.kill('SIGTERM');
      await gateway.exited;
    }
  });

  it('redacts credential headers and query parameters on REST, and logs none from handshakes or admin logins', async () => {
    const service = jwt.sign({ sub: 'backend', roles: ['service'] }, CLUSTER_SECRET, { expiresIn: 3600 });
    const query = ['access_token', 'token', 'jwt', 'key', 'password', 'secret', 'Token']
      .map((name) => `${name}=${secret(`q-${name}`)}`)
      .join('&');
    const headers = {
      'proxy-authorization': `Basic ${secret('proxy')}`,
      cookie: `sid=${secret('cookie')}`,
      'x-access-token': secret('x-access'),
      'x-api-key': secret('x-api'),
    };
    const path = `/api/v1/channels/public:logs?${query}&limit=5`;
    // A 200 (logged at debug) and a 401 (logged at info), each with every credential.
    expect((await request(gateway.url, 'GET', path, { token: service, headers })).status).toBe(200);
    expect(
      (
        await request(gateway.url, 'GET', path, {
          headers: { ...headers, authorization: `Bearer ${secret('bad')}` },
        })
      ).status,
    ).toBe(401);

    // Handshakes carrying credentials in their query and headers, refused and accepted.
    const refused = io(gateway.url, {
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
      query: { token: secret('eio-token'), access_token: secret('eio-access') },
      extraHeaders: { authorization: `Bearer ${secret('eio-bearer')}`, 'x-api-key': secret('eio-api') },
    });
    await new Promise<void>((resolve) => refused.once('connect_error', () => resolve()));
    refused.close();
    const accepted = io(gateway.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: service },
      query: { jwt: secret('eio-jwt') },
    });
    await new Promise<void>((resolve) => accepted.once('connect', () => resolve()));
    accepted.close();

    // A failed admin login is logged, without its password.
    await expect(
      open(adminClient(gateway.url, { username: ADMIN_USER, password: secret('admin-password') })),
    ).rejects.toThrow('invalid credentials');
    const failed = await until(
      () => lines().find((line) => line.event === 'admin.login.failed'),
      'the failed admin login line',
    );
    expect(failed).toMatchObject({ reason: 'wrong_password', address: expect.any(String) });
    await until(
      () => lines().find((line) => line.event === 'connection.close'),
      'the accepted connection to be logged closed',
    );

    const output = gateway.output();
    const leaked = [...output.matchAll(/secret-[a-z_-]+-4b1d/gi)].map((match) => match[0]);
    expect([...new Set(leaked)]).toEqual([]);
    expect(output).not.toContain(service);
    // The REST lines are there, with every credential replaced.
    const rest = lines().filter(
      (line) => typeof line.req?.['url'] === 'string' && line.req['url'].includes('/public:logs?'),
    );
    expect(rest.length).toBe(2);
    for (const line of rest) {
      expect(line.req?.['url']).toContain('access_token=[Redacted]&token=[Redacted]&jwt=[Redacted]');
      expect(line.req?.['url']).toContain('&Token=[Redacted]&limit=5');
      expect(line.req?.['headers']).toMatchObject({
        'proxy-authorization': '[Redacted]',
        cookie: '[Redacted]',
        'x-access-token': '[Redacted]',
        'x-api-key': '[Redacted]',
      });
    }
    console.info(
      `credentials in logs: ${lines().length} log lines of a gateway at debug level after 2 REST calls, ` +
        `2 handshakes and a failed admin login carrying ${sent.size + 1} credentials: 0 written, ` +
        `${rest.length} REST lines redacted`,
    );
  });
});
