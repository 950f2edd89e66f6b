import { type ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';
import { MAX_PAYLOAD_DEPTH } from '@switchboard/protocol';
import { nestsDeeperThan } from '../validation/payload-depth.js';
import { withoutNulls } from '../validation/null-means-absent.js';
import { prototypeKeyPaths, unknownFieldMessage } from '../validation/prototype-keys.js';
import { detachJsonData, jsonDataProperties } from './json-data.decorator.js';

/**
 * The REST API's validation (`whitelist`, `forbidNonWhitelisted`, 400 in the NestJS body),
 * bound on each REST controller with `@UsePipes`. Never make it global: Nest hands a
 * gateway's `@MessageBody()` to pipes as a `'body'` argument too, so a global pipe would
 * refuse socket payloads first and hide the field `details` of the command envelope.
 *
 * For a body, before the ValidationPipe runs:
 * - nesting deeper than 32 levels is refused, as for socket commands, before any recursive
 *   work (class-transformer's copy overflowed the stack at 10,000 levels: a 500);
 * - a `__proto__`, `constructor` or `prototype` field is refused like any unknown field
 *   (the ValidationPipe would delete it without a word);
 * - `@JsonData()` properties (`data`) are kept exactly as sent, such keys included;
 * - any other field sent as `null` is a field left out (its default applies; contract v3 §5).
 *
 * For a query, an empty parameter (`?limit=`) is a parameter left out: its default applies.
 */
@Injectable()
export class RestValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query' && typeof value === 'object' && value !== null) {
      return super.transform(withoutEmptyParameters(value as Record<string, unknown>), metadata);
    }
    if (metadata.type !== 'body' || typeof value !== 'object' || value === null) {
      return super.transform(value, metadata);
    }
    if (nestsDeeperThan(value, MAX_PAYLOAD_DEPTH)) {
      throw new BadRequestException([`body nested deeper than ${MAX_PAYLOAD_DEPTH} levels`]);
    }
    const type = metadata.metatype;
    if (Array.isArray(value) || !type) return super.transform(value, metadata);
    const unknown = prototypeKeyPaths(value, { deep: false });
    if (unknown.length > 0) throw new BadRequestException(unknown.map(unknownFieldMessage));
    const jsonData = jsonDataProperties(type);
    const present = withoutNulls(value as Record<string, unknown>, jsonData);
    const { envelope, restore } = detachJsonData(jsonData, present);
    return restore(await super.transform(envelope, metadata));
  }
}

/** The query without its empty parameters (`?limit=&since=3` → `{ since: '3' }`). */
function withoutEmptyParameters(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}
