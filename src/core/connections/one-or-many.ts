/**
 * A set that usually holds one member, stored as the member itself until a second one arrives.
 *
 * The per-user and per-channel indexes of a connection (connection slots, local sessions,
 * occupancy) hold one connection per key in the common case; a `Set` per key costs about
 * 150 bytes of heap per connection, more than the rest of the index entry. `T` must not itself
 * be a `Set`.
 */
export type OneOrMany<T> = T | Set<T>;

export function sizeOf<T>(entry: OneOrMany<T> | undefined): number {
  if (entry === undefined) return 0;
  return entry instanceof Set ? entry.size : 1;
}

export function hasMember<T>(entry: OneOrMany<T> | undefined, member: T): boolean {
  return entry instanceof Set ? entry.has(member) : entry === member;
}

/** `entry` with `member` added (the same `Set` when it already was one). */
export function withMember<T>(entry: OneOrMany<T> | undefined, member: T): OneOrMany<T> {
  if (entry === undefined || entry === member) return member;
  if (entry instanceof Set) return entry.add(member);
  return new Set([entry, member]);
}

/** `entry` without `member`: `undefined` once empty, the single member once one is left. */
export function withoutMember<T>(entry: OneOrMany<T> | undefined, member: T): OneOrMany<T> | undefined {
  if (!(entry instanceof Set)) return entry === member ? undefined : entry;
  entry.delete(member);
  if (entry.size > 1) return entry;
  const [last] = entry;
  return last;
}

export function membersOf<T>(entry: OneOrMany<T> | undefined): T[] {
  if (entry === undefined) return [];
  return entry instanceof Set ? [...entry] : [entry];
}

/** Adds `member` to the entry of `key` in an index of such sets. */
export function addTo<K, T>(index: Map<K, OneOrMany<T>>, key: K, member: T): void {
  index.set(key, withMember(index.get(key), member));
}

/** Removes `member` from the entry of `key`, and the key once empty; whether it was there. */
export function removeFrom<K, T>(index: Map<K, OneOrMany<T>>, key: K, member: T): boolean {
  const entry = index.get(key);
  if (!hasMember(entry, member)) return false;
  const left = withoutMember(entry, member);
  if (left === undefined) index.delete(key);
  else index.set(key, left);
  return true;
}
