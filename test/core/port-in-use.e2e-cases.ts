import { createServer, type Server } from 'node:net';
import { startChildGateway } from '../support/child-gateway.js';
import { TEST_SECRET } from '../support/gateway.js';

/**
 * Issue 9, defect 7: a port already in use printed Nest's stack of an unhandled rejection.
 * Like every other start-up failure it is one line naming the variables, and exit code 1.
 */
describe('start-up on a port already in use (node dist/main.js)', () => {
  let squatter: Server;
  let port: number;

  beforeAll(async () => {
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    port = address.port;
  });
  afterAll(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

  async function start(env: Record<string, string>): Promise<{ code: number | string; lines: string[] }> {
    const child = startChildGateway({ NODE_ENV: 'production', JWT_SECRET: TEST_SECRET, ...env });
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 30_000);
    const code = await child.exited;
    clearTimeout(timer);
    const lines = child
      .stderr()
      .split('\n')
      .filter((line) => line.trim() !== '');
    return { code, lines };
  }

  it('exits 1 with one stderr line naming PORT and HOST', async () => {
    expect(await start({ PORT: String(port), HOST: '127.0.0.1' })).toEqual({
      code: 1,
      lines: [`switchboard: PORT ${port} is already in use on HOST 127.0.0.1`],
    });
  }, 40_000);

  it('says so in one line too when HOST is not an address of this machine', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
    const { code, lines } = await start({ PORT: String(port), HOST: '192.0.2.1' });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^switchboard: cannot listen on HOST 192\.0\.2\.1, PORT \d+: .*EADDRNOTAVAIL/);
  }, 40_000);
});
