import { Injectable, type PipeTransform, type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { MessageBody } from '@nestjs/websockets';
import type { ValidationError } from 'class-validator';
import { GatewayError } from '../../errors/gateway.error.js';
import { withoutNulls } from '../../../validation/null-means-absent.js';
import { prototypeKeyPaths, unknownFieldMessage } from '../../../validation/prototype-keys.js';
import type { ErrorDetail } from '@switchboard/protocol';

/** Flattens nested class-validator errors into `{ field: 'since.offset', messages }`. */
export function toErrorDetails(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...toErrorDetails(error.children ?? [], field)];
  });
}

/**
 * Validates a command payload against its DTO (`whitelist`, `forbidNonWhitelisted`) and
 * fails with `BAD_REQUEST` listing the fields; `__proto__`, `constructor` and `prototype`
 * keys, at any level, are unknown fields too (no command has free-form data), and a field
 * sent as `null` is a field left out (see {@link withoutNulls}).
 */
@Injectable()
export class CommandPayloadPipe implements PipeTransform {
  private readonly validation = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => GatewayError.badRequest('invalid payload', toErrorDetails(errors)),
  });

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!metadata.metatype || metadata.metatype === Object) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw GatewayError.badRequest('payload must be an object', [
        { field: '', messages: ['payload must be an object'] },
      ]);
    }
    // Before the ValidationPipe, which would delete them silently: an unknown field all the same.
    const prototypeKeys = prototypeKeyPaths(value, { deep: true });
    if (prototypeKeys.length > 0) {
      throw GatewayError.badRequest(
        'invalid payload',
        prototypeKeys.map((field) => ({ field, messages: [unknownFieldMessage(field)] })),
      );
    }
    return this.validation.transform(withoutNulls(value), metadata);
  }
}

/** The validated payload of a socket command: `@Payload() dto: SubscribeDto`. */
export const Payload = (): ParameterDecorator => MessageBody(CommandPayloadPipe);
