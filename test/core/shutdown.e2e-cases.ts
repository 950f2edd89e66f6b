import { startChildGateway, type ChildGateway } from '../support/child-gateway.js';
import { TEST_SECRET } from '../support/gateway.js';
import { freePort } from '../support/global-setup.js';
import { request } from '../support/http.js';
import { connect, connectRefused, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import jwt from 'jsonwebtoken';

/** `/health/ready`'s status, or undefined while nothing listens. */
async function readiness(url: string): Promise<number | undefined> {
  return request(url, 'GET', '/health/ready').then(
    (response) => response.status,
    () => undefined,
  );
}

describe('SIGTERM on a running gateway (node dist/main.js)', () => {
  let child: ChildGateway | undefined;
  afterAll(() => {
    if (child?.process.exitCode === null) child.process.kill('SIGKILL');
  });

  it('turns readiness 503, refuses new connections, closes transports and exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = startChildGateway({
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      JWT_SECRET: TEST_SECRET,
      INSTANCE_ID: 'drain-1',
      SHUTDOWN_DRAIN_MS: '2000',
      LOG_LEVEL: 'warn',
    });
    await eventually(async () => (await readiness(url)) === 200, { timeoutMs: 30_000, what: 'readiness' });
    const ready = await request(url, 'GET', '/health/ready');
    expect(ready.body).toMatchObject({ status: 'ok', instance: 'drain-1' });

    const token = jwt.sign({ sub: 'drained' }, TEST_SECRET, { expiresIn: 600 });
    const clients = [
      await connect(url, token, { transports: ['websocket'] }),
      await connect(url, token, { transports: ['polling'] }),
    ];
    const reasons = clients.map((socket) =>
      waitForEvent<string>(socket, 'disconnect', { timeoutMs: 20_000 }),
    );

    child.process.kill('SIGTERM');
    await eventually(async () => (await readiness(url)) === 503, {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: 'readiness 503 while draining',
    });
    const refused = await connectRefused(url, token);
    expect(refused.message).not.toBe('UNAUTHORIZED');

    expect(await Promise.all(reasons)).toEqual(['transport close', 'transport close']);
    expect(await child.exited).toBe(0);
  }, 60_000);
});
