import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadNamespacesFile,
  namespaceClash,
  NamespacesFileError,
  parseNamespacesFile,
} from './namespaces-file.js';

const ORDERS = {
  namespaces: {
    orders: {
      subscribe: 'http://orders:8080/switchboard/subscribe',
      commands: { 'orders.track': 'https://orders.example.com/switchboard/track' },
      history: true,
      presence: false,
    },
  },
};

function problem(document: unknown): string {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  try {
    parseNamespacesFile(text, 'ns.json');
  } catch (error) {
    expect(error).toBeInstanceOf(NamespacesFileError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith('ns.json: ')).toBe(true);
    return message;
  }
  throw new Error('the file was accepted');
}

describe('parseNamespacesFile', () => {
  it('reads the contract’s example', () => {
    const [spec, ...rest] = parseNamespacesFile(JSON.stringify(ORDERS), 'ns.json');
    expect(rest).toEqual([]);
    expect(spec).toEqual({
      namespace: 'orders',
      subscribe: 'http://orders:8080/switchboard/subscribe',
      commands: new Map([['orders.track', 'https://orders.example.com/switchboard/track']]),
      history: true,
      presence: false,
    });
  });

  it('defaults to history without presence and no commands', () => {
    const [spec] = parseNamespacesFile(
      JSON.stringify({ namespaces: { games: { subscribe: 'http://g/s' } } }),
      'f',
    );
    expect(spec).toMatchObject({ namespace: 'games', history: true, presence: false, commands: new Map() });
  });

  it('accepts an empty set of namespaces', () => {
    expect(parseNamespacesFile('{"namespaces":{}}', 'f')).toEqual([]);
  });

  it.each([
    ['{ "namespaces": ', /not valid JSON/],
    [[], /must be a JSON object/],
    [{ namespaces: [] }, /must be a JSON object/],
    [{ namespaces: {}, extra: 1 }, /unknown top-level key "extra"/],
    [
      { namespaces: { Orders: { subscribe: 'http://a/b' } } },
      /namespace "Orders" is not a valid namespace name/,
    ],
    [{ namespaces: { ['a'.repeat(33)]: { subscribe: 'http://a/b' } } }, /is not a valid namespace name/],
    [{ namespaces: { orders: 'http://a/b' } }, /namespace "orders" must be an object/],
    [{ namespaces: { orders: {} } }, /namespace "orders": subscribe must be an http/],
    [
      { namespaces: { orders: { subscribe: 'ftp://a/b' } } },
      /subscribe must be an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/a\/b"\)/,
    ],
    [{ namespaces: { orders: { subscribe: 'not a url' } } }, /subscribe must be an http/],
    [
      { namespaces: { orders: { subscribe: 'http://a/b', commands: { 'orders.track': 'file:///x' } } } },
      /command "orders.track" must be an http/,
    ],
    [
      { namespaces: { orders: { subscribe: 'http://a/b', commands: { 'billing.pay': 'http://a/c' } } } },
      /command "billing.pay" must start with "orders."/,
    ],
    [
      { namespaces: { orders: { subscribe: 'http://a/b', commands: { 'orders.Track!': 'http://a/c' } } } },
      /command "orders.Track!" must match/,
    ],
    [
      { namespaces: { orders: { subscribe: 'http://a/b', commands: ['http://a/c'] } } },
      /commands must be an object/,
    ],
    [
      { namespaces: { orders: { subscribe: 'http://a/b', history: 'yes' } } },
      /history must be true or false/,
    ],
    [{ namespaces: { orders: { subscribe: 'http://a/b', presense: true } } }, /unknown key "presense"/],
  ])('refuses %j with one line naming the problem', (document, expected) => {
    expect(problem(document)).toMatch(expected);
  });
});

describe('loadNamespacesFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-ns-'));

  it('reads a file', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify(ORDERS));
    expect(loadNamespacesFile(path).map((spec) => spec.namespace)).toEqual(['orders']);
  });

  it('refuses a file that cannot be read, naming it', () => {
    const path = join(dir, 'missing.json');
    expect(() => loadNamespacesFile(path)).toThrow(`${path}: cannot be read (ENOENT)`);
  });
});

describe('namespaceClash', () => {
  it('names the first namespace a module owns already', () => {
    const specs = parseNamespacesFile(
      JSON.stringify({
        namespaces: { games: { subscribe: 'http://a/b' }, chat: { subscribe: 'http://a/c' } },
      }),
      'f',
    );
    expect(namespaceClash(specs, ['user', 'chat', 'public'])).toBe(
      'NAMESPACES_FILE: namespace "chat" is already taken by a module',
    );
    expect(namespaceClash(specs, ['user', 'public'])).toBeUndefined();
  });
});
