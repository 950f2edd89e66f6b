import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type RunningGateway, startGateway } from '../support/gateway.js';
import { publish } from '../support/publisher.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** What a Node app does with the installed SDK: connect, subscribe, print what arrives. */
const APP = `
import { SwitchboardClient } from '@switchboard/client';
const client = new SwitchboardClient(process.env.GATEWAY_URL, { token: process.env.TOKEN, transports: ['websocket'] });
client.subscribe('public:pack', (publication) => {
  console.log(JSON.stringify({ received: publication }));
  void client.close().then(() => process.exit(0));
}).on('error', (error) => { console.error(error.message); process.exit(1); });
// subscribe is idempotent and runs in order per channel: once this answers, the SDK's own is in.
client.on('connect', () => void client.request('subscribe', { channel: 'public:pack' }).then(() => console.log(JSON.stringify({ ready: true }))));
`;

/** A typed use of the SDK and the protocol, compiled under each module resolution. */
const TYPED = `
import { SwitchboardClient, SwitchboardError, type Publication } from '@switchboard/client';
import { ErrorCode, parseChannel, type ServerEvents, type CommandResult } from '@switchboard/protocol';
import { PublishError, SwitchboardPublisher, verifyWebhook, type PublishedAnswer, type WebhookRequestBody } from '@switchboard/client/publisher';
const client = new SwitchboardClient('http://localhost:3000', { token: 't', autoConnect: false });
const answer: Promise<CommandResult<'chat.send'>> = client.chat.send('lobby', 'hi');
const code: string = ErrorCode.BadRequest;
const terminated: ServerEvents['session.terminated']['data']['reason'] = 'revoked';
const handle = (publication: Publication<{ text: string }>): string => publication.data.text;
const publisher = new SwitchboardPublisher({ url: 'http://localhost:3000', token: () => 't' });
const published: Promise<PublishedAnswer> = publisher.publish('public:x', 'e', { n: 1 });
const verified: Promise<WebhookRequestBody> = verifyWebhook('whsec_AAAA', { 'webhook-id': 'msg_1' }, '{}');
export { answer, code, terminated, handle, SwitchboardError, parseChannel, published, PublishError, verified };
`;

/** A backend with the installed publisher entry point: publish once, print the answer. */
const BACKEND = `
import { SwitchboardPublisher } from '@switchboard/client/publisher';
const publisher = new SwitchboardPublisher({ url: process.env.GATEWAY_URL, token: process.env.TOKEN });
console.log(JSON.stringify(await publisher.publish('public:pack-backend', 'pack.backend', { from: 'backend' })));
`;

/** A receiver with the installed publisher entry point: verify a signed request, print its body. */
const RECEIVER = `
import { createHmac } from 'node:crypto';
import { verifyWebhook, WebhookVerificationError } from '@switchboard/client/publisher';
const key = Buffer.alloc(32, 9);
const secret = 'whsec_' + key.toString('base64');
const body = JSON.stringify({ id: 'msg_pack', events: [{ type: 'channel.occupied', channel: 'public:p', seq: 1, ts: 1 }] });
const timestamp = String(Math.floor(Date.now() / 1000));
const signature = 'v1,' + createHmac('sha256', key).update('msg_pack.' + timestamp + '.' + body).digest('base64');
const headers = { 'webhook-id': 'msg_pack', 'webhook-timestamp': timestamp, 'webhook-signature': signature };
const verified = await verifyWebhook(secret, headers, Buffer.from(body));
const forged = await verifyWebhook(secret, headers, body.replace('public:p', 'public:q')).catch((error) => error instanceof WebhookVerificationError);
console.log(JSON.stringify({ verified, forged }));
`;

describe('@switchboard/client as an installed package', () => {
  let gateway: RunningGateway;
  let project: string;

  beforeAll(async () => {
    gateway = await startGateway();
    project = await mkdtemp(join(tmpdir(), 'sb-sdk-'));
    // Jest's global setup built the packages (scripts/build-if-stale.mjs): pack what it built.
    const { stdout } = await run(
      'npm',
      [
        'pack',
        '--json',
        '--pack-destination',
        project,
        '-w',
        '@switchboard/protocol',
        '-w',
        '@switchboard/client',
      ],
      { cwd: root },
    );
    const tarballs = (JSON.parse(stdout) as { filename: string }[]).map((p) => join(project, p.filename));
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    // An empty project: the tarballs and what they declare, nothing from this repository.
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], {
      cwd: project,
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('brings no server package into the project', async () => {
    const installed = await readdir(join(project, 'node_modules'));
    const scoped = await readdir(join(project, 'node_modules/@switchboard'));
    expect(scoped.sort()).toEqual(['client', 'protocol']);
    expect(installed).toContain('socket.io-client');
    for (const server of [
      '@nestjs',
      'ioredis',
      'socket.io',
      'express',
      '@socket.io',
      'jsonwebtoken',
      'passport',
    ]) {
      if (server === '@socket.io') {
        const socketIo = installed.includes('@socket.io')
          ? await readdir(join(project, 'node_modules/@socket.io'))
          : [];
        expect(socketIo).not.toContain('redis-adapter');
      } else {
        expect(installed).not.toContain(server);
      }
    }
  });

  it('ships source maps that carry their sources (src/ is not in the package)', async () => {
    for (const name of ['client', 'protocol']) {
      const dist = join(project, 'node_modules/@switchboard', name, 'dist');
      const maps = (await readdir(dist)).filter((file) => file.endsWith('.js.map'));
      expect(maps.length).toBeGreaterThan(0);
      for (const file of maps) {
        const map = JSON.parse(await readFile(join(dist, file), 'utf8')) as {
          sources: string[];
          sourcesContent?: (string | null)[];
        };
        expect(map.sourcesContent).toHaveLength(map.sources.length);
        for (const content of map.sourcesContent ?? []) expect(typeof content).toBe('string');
      }
    }
  });

  it('connects to a real gateway, subscribes and receives a REST publication', async () => {
    await writeFile(join(project, 'app.mjs'), APP);
    const child = spawn(process.execPath, ['app.mjs'], {
      cwd: project,
      env: { ...process.env, GATEWAY_URL: gateway.url, TOKEN: gateway.token({ sub: 'pack-user' }) },
    });
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const ready = new Promise<void>((done, fail) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
          const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
          buffered = buffered.slice(newline + 1);
          lines.push(line);
          if (line['ready']) done();
        }
      });
      child.on('exit', () => fail(new Error(`the app exited early: ${stderr}`)));
    });
    await ready;
    const sent = await publish(gateway, 'public:pack', 'pack.test', { hello: 'package' });
    expect(await exited).toBe(0);
    const received = lines.find((line) => line['received'])?.['received'];
    expect(received).toMatchObject({
      channel: 'public:pack',
      event: 'pack.test',
      offset: sent.offset,
      epoch: sent.epoch,
      data: { hello: 'package' },
    });
  }, 60_000);

  it('publishes from a backend through @switchboard/client/publisher', async () => {
    await writeFile(join(project, 'backend.mjs'), BACKEND);
    const { stdout } = await run(process.execPath, ['backend.mjs'], {
      cwd: project,
      env: {
        ...process.env,
        GATEWAY_URL: gateway.url,
        TOKEN: gateway.token({ sub: 'b', roles: ['service'] }),
      },
    });
    expect(JSON.parse(stdout)).toEqual({
      channel: 'public:pack-backend',
      event: 'pack.backend',
      offset: 1,
      epoch: expect.any(String),
    });
  }, 60_000);

  it('verifies a signed hook request through @switchboard/client/publisher, with no other package', async () => {
    await writeFile(join(project, 'receiver.mjs'), RECEIVER);
    const { stdout } = await run(process.execPath, ['receiver.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      verified: {
        id: 'msg_pack',
        events: [{ type: 'channel.occupied', channel: 'public:p', seq: 1, ts: 1 }],
      },
      forged: true,
    });
  }, 60_000);

  it.each([
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])(
    'resolves its types under moduleResolution %s',
    async (name, options) => {
      await writeFile(join(project, 'typed.ts'), TYPED);
      const config = {
        compilerOptions: {
          ...options,
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['typed.ts'],
      };
      await writeFile(join(project, `tsconfig.${name}.json`), JSON.stringify(config));
      await expect(
        run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: project }),
      ).resolves.toBeDefined();
    },
    60_000,
  );
});
