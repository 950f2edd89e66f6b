import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

/** The repository root: every deploy file is addressed relative to it, as a newcomer would. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

export function repoFileExists(...parts: string[]): boolean {
  return existsSync(repoPath(...parts));
}

/** One YAML document; `<<` merge keys on, as Docker Compose reads them. */
export function readYaml(...parts: string[]): unknown {
  return parse(readRepoFile(...parts), { merge: true, strict: true, uniqueKeys: true });
}

/** Every document of a (possibly multi-document) YAML file; a syntax error fails loudly. */
export function readYamlDocuments(...parts: string[]): unknown[] {
  const docs = parseAllDocuments(readRepoFile(...parts), { uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${parts.join('/')}: ${doc.errors[0].message}`);
  }
  return list.map((doc) => doc.toJS() as unknown).filter((doc) => doc !== null);
}

/** A file that an installed package ships (schemas are data files, not exported modules). */
export function packageFile(pkg: string, ...parts: string[]): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${pkg}/package.json`)), ...parts);
}

export type Json = Record<string, unknown>;

/** Narrows an unknown YAML node to an object, failing the test with the path when it is not. */
export function asObject(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} is not a mapping: ${JSON.stringify(value)}`);
  }
  return value as Json;
}

export function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list: ${JSON.stringify(value)}`);
  return value;
}
