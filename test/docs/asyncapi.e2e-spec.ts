import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { parse } from 'yaml';
import { CommandTable } from '../../src/core/connections/commands/command-table.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';

interface AsyncApiDocument {
  asyncapi: string;
  info: { version: string };
  servers?: Record<string, { host: string; protocol: string; pathname: string }>;
  operations: Record<string, { action: string; reply?: unknown }>;
  components: { messages: Record<string, { name: string }> };
}

describe('GET /docs/asyncapi.yaml', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway.close());

  it('is an AsyncAPI 3 document describing every command the live gateway handles', async () => {
    const response = await request<string>(gateway.url, 'GET', '/docs/asyncapi.yaml');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('yaml');
    const document = parse(response.body) as AsyncApiDocument;
    expect(document.asyncapi).toBe('3.0.0');

    // The commands the live gateway dispatches are the ground truth.
    const handled = gateway.app.get(CommandTable).names();
    expect(handled.length).toBeGreaterThan(0);

    const documented = Object.entries(document.operations)
      .filter(([, operation]) => operation.action === 'receive')
      .map(([name]) => name);
    expect(documented.sort()).toEqual([...new Set(handled)].sort());
    for (const name of documented) expect(document.operations[name].reply).toBeDefined();
  });

  it('documents every fixed server → client event of the contract', async () => {
    const document = parse(
      (await request<string>(gateway.url, 'GET', '/docs/asyncapi.yaml')).body,
    ) as AsyncApiDocument;
    const sent = Object.values(document.operations).filter((operation) => operation.action === 'send').length;
    const names = Object.values(document.components.messages).map((message) => message.name);
    expect(sent).toBeGreaterThanOrEqual(9);
    for (const event of [
      'chat.message',
      'notification',
      'chat.typing',
      'presence.join',
      'presence.leave',
      'session.expired',
      'subscription.revoked',
      'exception',
    ]) {
      expect(names).toContain(event);
    }
  });

  /**
   * The document as read with `headers`: through node:http, since fetch() may not set Host
   * (a forbidden header name).
   */
  const read = (headers: Record<string, string> = {}): Promise<AsyncApiDocument> =>
    new Promise((resolve, reject) => {
      get(`${gateway.url}/docs/asyncapi.yaml`, { headers }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(parse(body) as AsyncApiDocument));
      }).on('error', reject);
    });

  it("names the gateway's version, the one of package.json (and of OpenAPI and the SDK packages)", async () => {
    const version = (file: string): string =>
      (JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as { version: string })
        .version;
    const expected = version('package.json');
    expect((await read()).info.version).toBe(expected);
    const openapi = await request<{ info: { version: string } }>(gateway.url, 'GET', '/docs-json');
    expect(openapi.body.info.version).toBe(expected);
    expect([version('packages/protocol/package.json'), version('packages/client/package.json')]).toEqual([
      expected,
      expected,
    ]);
  });

  it('its server is where the reader reached the gateway, not a fixed localhost:3000', async () => {
    expect((await read()).servers).toEqual({
      gateway: expect.objectContaining({
        host: new URL(gateway.url).host,
        protocol: 'ws',
        pathname: '/socket.io',
      }),
    });
    // Behind a TLS-terminating proxy: the public name, and wss.
    const proxied = await read({ host: 'switchboard.example.com', 'x-forwarded-proto': 'https' });
    expect(proxied.servers?.['gateway']).toMatchObject({ host: 'switchboard.example.com', protocol: 'wss' });
    // A Host that is no host: no server rather than a made-up one (the rest is unchanged).
    const odd = await read({ host: 'a b/c' });
    expect(odd.servers).toBeUndefined();
    expect(Object.keys(odd)).toEqual(Object.keys(await read()).filter((key) => key !== 'servers'));
  });
});
