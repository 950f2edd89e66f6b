import { type ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';

const HTTP_ARGUMENTS = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

/**
 * The REST API's validation (`whitelist`, `forbidNonWhitelisted`, 400 in the NestJS body).
 * Global pipes also run on gateway handlers, whose payloads have their own pipe and error
 * envelope, so this one only looks at HTTP arguments.
 */
@Injectable()
export class RestValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!HTTP_ARGUMENTS.has(metadata.type)) return Promise.resolve(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
