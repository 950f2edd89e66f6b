import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ControlApi } from '../support/control.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { publish } from '../support/publisher.js';

/**
 * A third-party client: Debian's python3-socketio (5.7, on python-engineio 4.3), which
 * `npm test` installs when missing (scripts/test-prerequisites.mjs). It must hear every
 * documented event and behave as a standard client at the control API's disconnect: back by
 * itself after `reconnect: true` (over long-polling too), gone for good after `false`.
 */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./support/python-socketio-client.py', import.meta.url));

interface Line {
  kind: 'connect' | 'ack' | 'event' | 'disconnect' | 'gone';
  transport?: string;
  ack?: { ok: boolean; data?: Record<string, unknown> };
  event?: string;
  payload?: Record<string, unknown>;
}

/** The Python process, its JSON lines as they come, awaited one by one. */
class PythonClient {
  private readonly lines: Line[] = [];
  private readonly waiters: { match: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];
  private stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        // Kept as evidence: a line the script wrote badly must show in a failure, not vanish.
        line = { kind: 'unparsed', text } as unknown as Line;
      }
      this.lines.push(line);
      for (const waiter of this.waiters.splice(0)) {
        if (waiter.match(line)) waiter.resolve(line);
        else this.waiters.push(waiter);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(url: string, token: string, transport: string, channel: string): PythonClient {
    return new PythonClient(
      spawn(PYTHON, [SCRIPT, url, token, transport, channel], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  }

  /** The next line from now on matching `match` (lines already seen do not count). */
  next(match: (line: Line) => boolean, what: string, timeoutMs = 15_000): Promise<Line> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${what} within ${timeoutMs} ms; heard ${JSON.stringify(this.lines)}; stderr ${this.stderr}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** Everything heard so far. */
  get heard(): readonly Line[] {
    return this.lines;
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

const subscribed = (line: Line): boolean => line.kind === 'ack' && line.ack?.ok === true;

describe.each(['polling', 'websocket'])("Debian's python3-socketio over %s", (transport) => {
  let gateway: RunningGateway;
  let client: PythonClient | undefined;
  const channel = `public:py-${transport}`;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => client?.stop());
  afterAll(() => gateway.close());

  /** A client of `sub`, connected and subscribed to the channel. */
  async function connected(sub: string): Promise<PythonClient> {
    const started = PythonClient.start(gateway.url, gateway.token({ sub, name: 'Py' }), transport, channel);
    client = started;
    expect(await started.next((line) => line.kind === 'connect', 'connect')).toEqual({
      kind: 'connect',
      transport,
    });
    await started.next(subscribed, 'subscribe ack');
    return started;
  }

  /** Publishes to the channel and waits until the client has heard it. */
  async function hears(python: PythonClient, text: string): Promise<Line> {
    const heard = python.next((line) => line.kind === 'event' && line.payload?.['data'] === text, text);
    await publish(gateway, channel, 'py.note', text);
    return heard;
  }

  it('hears a publication as documented: its own event name, with channel, offset, epoch, data and ts', async () => {
    const python = await connected('py-ann');
    expect(await hears(python, 'hello')).toEqual({
      kind: 'event',
      event: 'py.note',
      payload: {
        channel,
        event: 'py.note',
        offset: expect.any(Number),
        epoch: expect.any(String),
        data: 'hello',
        ts: expect.any(Number),
      },
    });
  });

  it('after disconnect { reconnect: true }: session.terminated, then back by itself, subscribed again', async () => {
    const python = await connected('py-bob');
    const terminated = python.next((line) => line.event === 'session.terminated', 'session.terminated');
    const dropped = python.next((line) => line.kind === 'disconnect', 'disconnect');
    const back = python.next((line) => line.kind === 'connect', 'connect again');
    const resubscribed = python.next(subscribed, 'subscribe ack again', 30_000);
    expect((await new ControlApi(gateway).disconnect('py-bob', { reconnect: true })).body).toEqual({
      userId: 'py-bob',
      disconnected: 1,
    });
    expect((await terminated).payload).toEqual({
      event: 'session.terminated',
      data: { reason: 'disconnected', reconnect: true },
      ts: expect.any(Number),
    });
    await dropped;
    expect(await back).toEqual({ kind: 'connect', transport });
    await resubscribed;
    await hears(python, 'welcome back');
  });

  it('after disconnect { reconnect: false }: session.terminated, then gone for good (wait() returns)', async () => {
    const python = await connected('py-cid');
    const terminated = python.next((line) => line.event === 'session.terminated', 'session.terminated');
    expect((await new ControlApi(gateway).disconnect('py-cid')).body.disconnected).toBe(1);
    expect((await terminated).payload).toMatchObject({ data: { reason: 'disconnected', reconnect: false } });
    expect(await python.exited).toBe(0);
    expect(python.heard.slice(-2).map((line) => line.kind)).toEqual(['disconnect', 'gone']);
  });
});
