import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, registerDecorator, type ValidationArguments } from 'class-validator';
import { JsonData } from '../../http/json-data.decorator.js';
import { CHANNEL_MAX_LENGTH, eventNameProblem, type PublishedAnswer } from '@switchboard/protocol';

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

export class PublishDto {
  @ApiProperty({ example: 'public:news' })
  @IsString()
  @MaxLength(CHANNEL_MAX_LENGTH)
  channel!: string;

  @ApiProperty({ example: 'news.published', pattern: '^[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*$', maxLength: 64 })
  @IsPublicationEvent()
  event!: string;

  @ApiProperty({ description: 'Any JSON value; null for none', nullable: true, example: { title: 'Hello' } })
  @JsonData()
  data: unknown = null;
}

export class PublishedDto implements PublishedAnswer {
  @ApiProperty() channel!: string;
  @ApiProperty() event!: string;
  @ApiProperty() offset!: number;
  @ApiProperty() epoch!: string;
}

export class BatchItemPublishedDto extends PublishedDto {
  @ApiPropertyOptional({
    enum: [true],
    description: 'Present (true) when this item replays an earlier publication with the same idempotencyKey',
  })
  replayed?: true;
}
