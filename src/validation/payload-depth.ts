/**
 * Whether `value` nests deeper than `maxDepth` (a scalar is depth 0, `{}` or `[]` depth 1).
 * Iterative and stopping at the first node past the limit, so a hostile 10,000-level payload
 * costs a walk of its first `maxDepth` levels, never a stack overflow in validation.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
