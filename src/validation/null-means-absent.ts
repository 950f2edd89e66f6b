/**
 * Contract v3 §5: in every command payload and REST body, an optional field sent as `null`
 * means the field left out; only JSON data (`data`) keeps `null` as its value. Serializers
 * that write `null` for unset fields (Jackson, .NET, Go pointers) send them on day one, and
 * class-validator's `@IsOptional()` lets a `null` through: a `clientId: null` became the key
 * `client:<sub>:null`, shared by every such send.
 *
 * One step before validation, for every DTO at once: a copy of the payload without its
 * `null` properties, in nested objects too (a command's `since`), so an optional field is
 * absent (its default applies) and a required one fails as missing. The properties named in
 * `keep` (a REST body's `@JsonData()` fields) are not looked into. Arrays are copied as they
 * are: no envelope field is an array of objects except JSON data, validated item by item by
 * its owner (the batch), which applies this to each item itself.
 */
export function withoutNulls<T extends object>(value: T, keep: readonly string[] = []): T {
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (keep.includes(key)) copy[key] = child;
    else if (child === null) continue;
    else copy[key] = isPlainObject(child) ? withoutNulls(child) : child;
  }
  return copy as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
