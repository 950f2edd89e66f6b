import { Injectable, type PipeTransform, type ArgumentMetadata } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { MessageBody } from '@nestjs/websockets';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
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
 *
 * class-transformer and class-validator are called directly and synchronously, not through
 * Nest's ValidationPipe: this runs for every command, and the pipe's promise chain and checks
 * were most of its cost. A command DTO's rules are synchronous (an asynchronous constraint
 * would not run here).
 */
const VALIDATION: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: false, value: false },
};

@Injectable()
export class CommandPayloadPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!metadata.metatype || metadata.metatype === Object) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw GatewayError.badRequest('payload must be an object', [
        { field: '', messages: ['payload must be an object'] },
      ]);
    }
    // Before whitelisting, which would delete them silently: an unknown field all the same.
    const prototypeKeys = prototypeKeyPaths(value, { deep: true });
    if (prototypeKeys.length > 0) {
      throw GatewayError.badRequest(
        'invalid payload',
        prototypeKeys.map((field) => ({ field, messages: [unknownFieldMessage(field)] })),
      );
    }
    const payload = plainToInstance(metadata.metatype, withoutNulls(value)) as object;
    const errors = validateSync(payload, VALIDATION);
    if (errors.length > 0) throw GatewayError.badRequest('invalid payload', toErrorDetails(errors));
    return payload;
  }
}

/** The validated payload of a socket command: `@Payload() dto: SubscribeDto`. */
export const Payload = (): ParameterDecorator => MessageBody(CommandPayloadPipe);
