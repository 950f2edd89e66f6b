import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { PayloadClass } from '../core/index.js';

export type Schema = Record<string, unknown>;

const REF_PREFIX = '#/components/schemas/';

/**
 * JSON Schemas generated from the class-validator DTOs themselves (the rules the server
 * validates with are the rules the document states), keyed by class name. Payload DTOs of
 * commands are closed (`additionalProperties: false`), as validation is (`forbidNonWhitelisted`).
 */
export class PayloadSchemas {
  private readonly all: Record<string, Schema>;
  private readonly used = new Map<string, Schema>();

  constructor() {
    this.all = validationMetadatasToSchemas({
      refPointerPrefix: REF_PREFIX,
      classTransformerMetadataStorage: defaultMetadataStorage,
    }) as Record<string, Schema>;
  }

  /** A `$ref` to the class's schema (an empty object schema for a DTO without rules). */
  ref(type: PayloadClass, { closed = false } = {}): Schema {
    this.use(type.name, closed);
    return { $ref: `${REF_PREFIX}${type.name}` };
  }

  /** The schemas referenced so far, and those they reference. */
  components(): Record<string, Schema> {
    return Object.fromEntries([...this.used].sort(([a], [b]) => a.localeCompare(b)));
  }

  private use(name: string, closed: boolean): void {
    if (this.used.has(name)) return;
    const schema: Schema = { type: 'object', properties: {}, ...this.all[name] };
    if (closed) schema.additionalProperties = false;
    this.used.set(name, schema);
    for (const nested of referencedNames(schema)) this.use(nested, closed);
  }
}

function referencedNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedNames);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' && item.startsWith(REF_PREFIX)
      ? [item.slice(REF_PREFIX.length)]
      : referencedNames(item),
  );
}
