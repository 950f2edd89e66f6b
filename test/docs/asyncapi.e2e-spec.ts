import { parse } from 'yaml';
import { CommandTable } from '../../src/core/connections/commands/command-table.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';

interface AsyncApiDocument {
  asyncapi: string;
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
});
