import { ApiSchema, type ApiSchemaOptions } from '@nestjs/swagger';

/**
 * A request body's schema with `additionalProperties: false`: the REST validation refuses
 * unknown fields (`forbidNonWhitelisted`), and the document says so. Not inherited: a subclass
 * that is a body of its own carries it too.
 */
export function ClosedSchema(): ClassDecorator {
  // ApiSchema spreads its options into the schema; its type only names `name` and `description`.
  return ApiSchema({ additionalProperties: false } as ApiSchemaOptions);
}
