/** Keys that name an object's prototype machinery rather than data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The paths (`__proto__`, `since.constructor`) of every own key named `__proto__`,
 * `constructor` or `prototype` in a parsed JSON value, down to `maxDepth` levels when `deep`
 * (the callers have already refused anything deeper). `JSON.parse` makes such keys ordinary
 * own properties; class-transformer and Nest's ValidationPipe then drop them without a word,
 * so a payload carrying one would be served as if it had not. They are never fields of a
 * command or of a REST envelope: the caller refuses them as it refuses any unknown field.
 * Arrays are walked by index (their keys are never looked at) and binary values not at all.
 */
export function prototypeKeyPaths(value: unknown, { deep }: { deep: boolean }): string[] {
  const found: string[] = [];
  const stack: { node: unknown; path: string }[] = [{ node: value, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) continue;
    if (Array.isArray(node)) {
      if (!deep) continue;
      // Only objects are pushed: a long array of scalars costs one pass and no allocation each.
      node.forEach((item: unknown, index) => {
        if (typeof item === 'object' && item !== null) stack.push({ node: item, path: `${path}[${index}]` });
      });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (PROTOTYPE_KEYS.has(key)) found.push(at);
      else if (deep) stack.push({ node: child, path: at });
    }
  }
  return found;
}

/** The message class-validator gives any other unknown field (`forbidNonWhitelisted`). */
export const unknownFieldMessage = (path: string): string =>
  `property ${path.split('.').at(-1) ?? path} should not exist`;
