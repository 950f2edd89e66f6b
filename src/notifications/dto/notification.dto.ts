import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ClosedSchema } from '../../http/closed-schema.decorator.js';
import { JSON_VALUE_SCHEMA, JsonData } from '../../http/json-data.decorator.js';
import {
  NAME_PART_DESCRIPTION,
  NAME_PART_PATTERN,
  type Notification,
  type NotificationAnswer,
} from '@switchboard/protocol';

@ClosedSchema()
export class CreateNotificationDto {
  @ApiProperty({
    example: 'alice',
    description: 'The recipient: the `sub` of their tokens',
    pattern: NAME_PART_PATTERN.source,
  })
  @IsString()
  @Matches(NAME_PART_PATTERN, { message: `userId ${NAME_PART_DESCRIPTION}` })
  userId!: string;

  @ApiProperty({ example: 'Build finished', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ example: 'main is green again', maxLength: 4000, nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  body?: string;

  @ApiPropertyOptional({
    ...JSON_VALUE_SCHEMA,
    description: 'Any JSON value for the client; null or left out for none',
    example: { build: 1234 },
  })
  @JsonData()
  data?: unknown;
}

export class NotificationCreatedDto implements NotificationAnswer {
  @ApiProperty({ example: '6f1c2a8e-3b1d-4c55-9f5e-0d7b2c1a9e44' }) id!: string;
  @ApiProperty({ example: 'user:alice' }) channel!: string;
  @ApiProperty({ type: 'integer', example: 7 }) offset!: number;
}

/** The `data` of a `notification` publication, for the AsyncAPI document (built by the server). */
export class NotificationDataDto implements Notification {
  @IsString() id!: string;
  @IsString() title!: string;
  @IsOptional() @IsString() body?: string;
  /** Any JSON value the publishing service attached. */
  @IsOptional() data?: unknown;
  @IsISO8601() createdAt!: string;
}
