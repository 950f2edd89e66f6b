import { Injectable, ValidationPipe } from '@nestjs/common';

/**
 * The REST API's validation (`whitelist`, `forbidNonWhitelisted`, 400 in the NestJS body),
 * bound on each REST controller with `@UsePipes`. Never make it global: Nest hands a
 * gateway's `@MessageBody()` to pipes as a `'body'` argument too, so a global pipe would
 * refuse socket payloads first and hide the field `details` of the command envelope.
 */
@Injectable()
export class RestValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }
}
