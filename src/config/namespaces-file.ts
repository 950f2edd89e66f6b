import { readFileSync } from 'node:fs';
import { EVENT_NAME_MAX_LENGTH, EVENT_NAME_PATTERN, isValidNamespace } from '@switchboard/protocol';

/** One namespace of `NAMESPACES_FILE`, whose decisions live in a backend (contract §8). */
export interface NamespaceSpec {
  readonly namespace: string;
  /** `POST` here decides every subscribe (and REST history / presence read) of a non-admin. */
  readonly subscribe: string;
  /** Command name → the URL it is forwarded to. */
  readonly commands: ReadonlyMap<string, string>;
  readonly history: boolean;
  readonly presence: boolean;
}

/** A refused file; the message is one line naming the file and what is wrong in it. */
export class NamespacesFileError extends Error {
  override readonly name = 'NamespacesFileError';
}

const NAMESPACE_KEYS = new Set(['subscribe', 'commands', 'history', 'presence']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `value` is an absolute http:// or https:// URL with a host. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Why `value` is not an absolute http(s) URL, or `undefined` when it is one. */
function urlProblem(value: unknown): string | undefined {
  if (isHttpUrl(value)) return undefined;
  const shown = typeof value === 'string' ? ` (got ${JSON.stringify(value.slice(0, 100))})` : '';
  return `must be an http:// or https:// URL${shown}`;
}

function commandProblem(namespace: string, command: string): string | undefined {
  if (command.length > EVENT_NAME_MAX_LENGTH || !EVENT_NAME_PATTERN.test(command))
    return `must match ${EVENT_NAME_PATTERN.source} (at most ${EVENT_NAME_MAX_LENGTH} characters)`;
  // A namespace's commands carry its name, as the modules' do (`chat.send`): no file can
  // shadow a core command (`subscribe`, `presence`) or another namespace's.
  if (!command.startsWith(`${namespace}.`)) return `must start with "${namespace}."`;
  return undefined;
}

function parseNamespace(namespace: string, raw: unknown, fail: (problem: string) => never): NamespaceSpec {
  if (!isValidNamespace(namespace))
    fail(`namespace ${JSON.stringify(namespace)} is not a valid namespace name (^[a-z][a-z0-9-]{0,31}$)`);
  const at = `namespace "${namespace}"`;
  if (!isRecord(raw)) fail(`${at} must be an object`);
  const unknown = Object.keys(raw).find((key) => !NAMESPACE_KEYS.has(key));
  if (unknown !== undefined)
    fail(`${at} has an unknown key ${JSON.stringify(unknown)} (known: ${[...NAMESPACE_KEYS].join(', ')})`);
  const subscribeProblem = urlProblem(raw.subscribe);
  if (subscribeProblem) fail(`${at}: subscribe ${subscribeProblem}`);
  const commands = new Map<string, string>();
  if (raw.commands !== undefined) {
    if (!isRecord(raw.commands)) fail(`${at}: commands must be an object of command name → URL`);
    for (const [command, url] of Object.entries(raw.commands)) {
      const nameProblem = commandProblem(namespace, command);
      if (nameProblem) fail(`${at}: command ${JSON.stringify(command)} ${nameProblem}`);
      const problem = urlProblem(url);
      if (problem) fail(`${at}: command "${command}" ${problem}`);
      commands.set(command, url as string);
    }
  }
  for (const flag of ['history', 'presence'] as const) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean')
      fail(`${at}: ${flag} must be true or false`);
  }
  return {
    namespace,
    subscribe: raw.subscribe as string,
    commands,
    // Like `public:` (history, no presence) unless the file says otherwise.
    history: raw.history !== false,
    presence: raw.presence === true,
  };
}

/**
 * Parses the text of a namespaces file. Throws {@link NamespacesFileError} with one line that
 * names `source` and the first problem found.
 */
export function parseNamespacesFile(text: string, source: string): NamespaceSpec[] {
  const fail = (problem: string): never => {
    throw new NamespacesFileError(`${source}: ${problem}`);
  };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (!isRecord(document) || !isRecord(document.namespaces))
    fail('must be a JSON object { "namespaces": { "<name>": { "subscribe": "<url>", ... } } }');
  const extra = Object.keys(document as object).find((key) => key !== 'namespaces');
  if (extra !== undefined) fail(`has an unknown top-level key ${JSON.stringify(extra)}`);
  const namespaces = (document as { namespaces: Record<string, unknown> }).namespaces;
  return Object.entries(namespaces).map(([name, raw]) => parseNamespace(name, raw, fail));
}

/** Reads and parses `path` (see {@link parseNamespacesFile}); an unreadable file is refused alike. */
export function loadNamespacesFile(path: string): NamespaceSpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new NamespacesFileError(
      `${path}: cannot be read (${typeof code === 'string' ? code : String(error)})`,
    );
  }
  return parseNamespacesFile(text, path);
}

/**
 * The first namespace of `specs` that a module already owns, as the one line start-up
 * refuses with; `undefined` when none clashes. (For the channel registry, which knows the
 * modules' namespaces.)
 */
export function namespaceClash(specs: readonly NamespaceSpec[], taken: Iterable<string>): string | undefined {
  const owned = new Set(taken);
  const clash = specs.find((spec) => owned.has(spec.namespace));
  return clash && `NAMESPACES_FILE: namespace "${clash.namespace}" is already taken by a module`;
}
