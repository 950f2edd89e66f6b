import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, registerDecorator, type ValidationArguments } from 'class-validator';
import { ClosedSchema } from '../../http/closed-schema.decorator.js';
import { JSON_VALUE_SCHEMA, JsonData } from '../../http/json-data.decorator.js';
import {
  CHANNEL_MAX_LENGTH,
  CHANNEL_PATTERN,
  EVENT_NAME_MAX_LENGTH,
  EVENT_NAME_PATTERN,
  eventNameProblem,
  RESERVED_EVENT_NAMES,
  type PublishedAnswer,
} from '@switchboard/protocol';

/** An event name a publication may carry: pattern, length and not reserved (contract §6). */
function IsPublicationEvent(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPublicationEvent',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && eventNameProblem(value) === undefined,
        defaultMessage: ({ value }: ValidationArguments) =>
          typeof value === 'string' ? (eventNameProblem(value) ?? '') : 'event must be a string',
      },
    });
}

@ClosedSchema()
export class PublishDto {
  @ApiProperty({
    example: 'public:news',
    pattern: CHANNEL_PATTERN.source,
    description: 'namespace:name; an unknown namespace is a 404',
  })
  @IsString()
  @MaxLength(CHANNEL_MAX_LENGTH)
  channel!: string;

  @ApiProperty({
    example: 'news.published',
    pattern: EVENT_NAME_PATTERN.source,
    maxLength: EVENT_NAME_MAX_LENGTH,
    not: { enum: [...RESERVED_EVENT_NAMES] },
    description: 'Not a name Socket.IO reserves, `exception`, or a volatile event of the gateway (400)',
  })
  @IsPublicationEvent()
  event!: string;

  @ApiPropertyOptional({
    ...JSON_VALUE_SCHEMA,
    description: 'Any JSON value; null or left out for none (delivered as null)',
    example: { title: 'Hello' },
  })
  @JsonData()
  data: unknown = null;
}

export class PublishedDto implements PublishedAnswer {
  @ApiProperty({ example: 'public:news' }) channel!: string;
  @ApiProperty({ example: 'news.published' }) event!: string;
  @ApiProperty({ type: 'integer', example: 42 }) offset!: number;
  @ApiProperty({ example: 'k3j9' }) epoch!: string;
}

export class BatchItemPublishedDto extends PublishedDto {
  @ApiPropertyOptional({
    enum: [true],
    description: 'Present (true) when this item replays an earlier publication with the same idempotencyKey',
  })
  replayed?: true;
}
