import { Allow } from 'class-validator';

/**
 * The OpenAPI schema of such a property: any JSON value, `null` included (spread into
 * `@ApiProperty`; a schema combinator also keeps Nest from declaring the property's
 * TypeScript type, `object`).
 */
export const JSON_VALUE_SCHEMA = {
  anyOf: [
    { type: 'object' },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
  ],
};

/** Prototype → the names of its own `@JsonData()` properties (subclasses inherit them). */
const declared = new WeakMap<object, string[]>();

/**
 * A property whose value is any JSON as sent (the contract's `data`: "any JSON value"). The
 * {@link RestValidationPipe} takes it out of the body before validating the rest and puts it
 * back untouched: Nest's ValidationPipe would otherwise delete every `__proto__`,
 * `constructor` and `prototype` key inside it (in place), and class-transformer would copy it
 * key by key, skipping those too. Validators declared beside it see a stand-in of its shape
 * (an array as long, else null); whoever uses the items validates them.
 */
export function JsonData(): PropertyDecorator {
  return (target, property) => {
    Allow()(target, property);
    declared.set(target, [...(declared.get(target) ?? []), String(property)]);
  };
}

/** The `@JsonData()` properties of a DTO class, its ancestors' included. */
export function jsonDataProperties(type: abstract new (...args: never[]) => unknown): string[] {
  const names: string[] = [];
  for (
    let proto: object | null = type.prototype as object;
    proto;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    names.push(...(declared.get(proto) ?? []));
  }
  return names;
}

/** A value validators may look at in place of the JSON data itself. */
function standIn(value: unknown): unknown {
  return Array.isArray(value) ? new Array<null>(value.length).fill(null) : null;
}

/**
 * A shallow copy of `body` with its JSON data replaced by stand-ins, and a function that puts
 * the data, as sent, into the validated DTO.
 */
export function detachJsonData(
  properties: readonly string[],
  body: Record<string, unknown>,
): { envelope: Record<string, unknown>; restore: <T>(dto: T) => T } {
  const envelope = { ...body };
  const held = new Map<string, unknown>();
  for (const name of properties) {
    if (!Object.hasOwn(body, name)) continue;
    held.set(name, body[name]);
    envelope[name] = standIn(body[name]);
  }
  const restore = <T>(dto: T): T => {
    for (const [name, value] of held) (dto as Record<string, unknown>)[name] = value;
    return dto;
  };
  return { envelope, restore };
}
