import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { ClosedSchema } from '../../http/closed-schema.decorator.js';

import { JsonData } from '../../http/json-data.decorator.js';
import { BatchItemPublishedDto, PublishDto } from './publish.dto.js';

import {
  BATCH_MAX_PUBLICATIONS as BATCH_MAX_ITEMS,
  IDEMPOTENCY_KEY_PATTERN,
  idempotencyKeyProblem,
} from '@switchboard/protocol';

/** A well-formed idempotency key that is no unset value written out (see `idempotencyKeyProblem`). */
function IsIdempotencyKey(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIdempotencyKey',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => idempotencyKeyProblem(value, String(propertyName)) === undefined,
        defaultMessage: ({ value, property }: ValidationArguments) =>
          idempotencyKeyProblem(value, property) ?? '',
      },
    });
}

/** One publication of a batch: a `PublishDto` plus its own optional idempotency key. */
@ClosedSchema()
export class PublishBatchItemDto extends PublishDto {
  @ApiPropertyOptional({
    pattern: IDEMPOTENCY_KEY_PATTERN.source,
    nullable: true,
    description: 'As the Idempotency-Key header of POST /api/v1/publish (and shared with it), per channel',
  })
  @IsOptional()
  @IsIdempotencyKey()
  idempotencyKey?: string;
}

/**
 * The envelope only: its items are validated one by one by the batch service, so that a
 * bad item fails alone (in its result) instead of failing the whole request. They reach it
 * as sent (`@JsonData()`), their `data` untouched.
 */
@ClosedSchema()
export class PublishBatchDto {
  @ApiProperty({
    type: [PublishBatchItemDto],
    minItems: 1,
    maxItems: BATCH_MAX_ITEMS,
    description:
      'An item that is not a valid publication fails alone: its result carries the error, the others are published',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BATCH_MAX_ITEMS)
  @JsonData()
  publications!: unknown[];
}

export class BatchItemErrorDto {
  @ApiProperty({ type: 'integer', example: 404 }) statusCode!: number;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'unknown channel namespace "nope"',
  })
  message!: string | string[];
}

export class BatchItemFailedDto {
  @ApiProperty({
    nullable: true,
    description: "The item's channel (null when it was not a string)",
    type: String,
  })
  channel!: string | null;
  @ApiProperty({ type: BatchItemErrorDto }) error!: BatchItemErrorDto;
}

export class PublishBatchResultDto {
  @ApiProperty({
    description: 'One result per publication, in request order',
    type: 'array',
    items: {
      oneOf: [{ $ref: getSchemaPath(BatchItemPublishedDto) }, { $ref: getSchemaPath(BatchItemFailedDto) }],
    },
  })
  results!: (BatchItemPublishedDto | BatchItemFailedDto)[];
}
