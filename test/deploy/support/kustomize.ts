import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { asArray, asObject, readYaml, readYamlDocuments, ROOT, type Json } from './repo-files.js';

/**
 * The subset of kustomize our kustomizations use, implemented exactly (no kustomize binary is
 * available from the registries these machines reach): `resources` (files and directories),
 * `namespace`, `labels` without selectors, `images`, and JSON 6902 `patches` with a target.
 * A kustomization using anything else is refused, so this renderer cannot silently diverge
 * from what `kubectl apply -k` would do.
 */
const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);

export interface Rendered {
  /** Every manifest, in kustomization order. */
  readonly manifests: Json[];
  /** Every file a kustomization listed (resources and patches), relative to the repository. */
  readonly files: string[];
}

interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

function applyOperation(document: Json, operation: PatchOperation): void {
  const keys = operation.path
    .split('/')
    .slice(1)
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop();
  if (last === undefined) throw new Error(`bad patch path ${operation.path}`);
  let parent: unknown = document;
  for (const key of keys) {
    parent = Array.isArray(parent) ? parent[Number(key)] : (parent as Json | undefined)?.[key];
    if (typeof parent !== 'object' || parent === null)
      throw new Error(`patch path ${operation.path} not found`);
  }
  const exists = Array.isArray(parent) ? Number(last) < parent.length : last in (parent as Json);
  if (operation.op !== 'add' && !exists) throw new Error(`${operation.op} of missing ${operation.path}`);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    const removed = operation.op === 'add' ? 0 : 1;
    parent.splice(index, removed, ...(operation.op === 'remove' ? [] : [structuredClone(operation.value)]));
  } else if (operation.op === 'remove') {
    delete (parent as Json)[last];
  } else {
    (parent as Json)[last] = structuredClone(operation.value);
  }
}

/** A scalar YAML value as a string; a mapping or list where a scalar belongs is an error. */
function text(value: unknown): string {
  if (typeof value === 'object' && value !== null)
    throw new Error(`expected a scalar, got ${JSON.stringify(value)}`);
  return String(value);
}

function metadata(manifest: Json): Json {
  return asObject(manifest.metadata, `${String(manifest.kind)}.metadata`);
}

export function renderKustomization(directory: string): Rendered {
  const where = relative(ROOT, directory);
  const kustomization = asObject(readYaml(where, 'kustomization.yaml'), `${where}/kustomization.yaml`);
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0)
    throw new Error(`${where}: unsupported kustomization fields ${unsupported.join(', ')}`);

  const manifests: Json[] = [];
  const files: string[] = [];
  for (const resource of asArray(kustomization.resources ?? [], 'resources').map(String)) {
    const path = join(directory, resource);
    if (statSync(path).isDirectory()) {
      const nested = renderKustomization(path);
      manifests.push(...nested.manifests);
      files.push(...nested.files);
    } else {
      files.push(relative(ROOT, path));
      manifests.push(
        ...readYamlDocuments(relative(ROOT, path)).map((doc, i) => asObject(doc, `${resource}#${i}`)),
      );
    }
  }

  for (const entry of asArray(kustomization.labels ?? [], 'labels').map((e) => asObject(e, 'labels[]'))) {
    if (entry.includeSelectors !== false)
      throw new Error(`${where}: only labels with includeSelectors: false`);
    for (const manifest of manifests) {
      const meta = metadata(manifest);
      meta.labels = { ...asObject(meta.labels ?? {}, 'labels'), ...asObject(entry.pairs, 'pairs') };
    }
  }

  for (const image of asArray(kustomization.images ?? [], 'images').map((e) => asObject(e, 'images[]'))) {
    for (const manifest of manifests.filter((m) => m.kind === 'Deployment')) {
      const pod = asObject(asObject(asObject(manifest.spec, 'spec').template, 'template').spec, 'pod spec');
      for (const container of asArray(pod.containers, 'containers').map((c) => asObject(c, 'container'))) {
        const [name, tag] = String(container.image).split(':');
        if (name !== image.name) continue;
        container.image = `${text(image.newName ?? name)}:${text(image.newTag ?? tag)}`;
      }
    }
  }

  for (const patch of asArray(kustomization.patches ?? [], 'patches').map((e) => asObject(e, 'patches[]'))) {
    const target = asObject(patch.target, 'patch target');
    const file = join(where, String(patch.path));
    files.push(file);
    const operations = asArray(readYaml(file), file) as PatchOperation[];
    const matches = manifests.filter((m) => m.kind === target.kind && metadata(m).name === target.name);
    if (matches.length !== 1) throw new Error(`${file}: target matches ${matches.length} resources`);
    for (const operation of operations) applyOperation(matches[0], operation);
  }

  if (kustomization.namespace !== undefined) {
    for (const manifest of manifests) metadata(manifest).namespace = text(kustomization.namespace);
  }
  return { manifests, files };
}
