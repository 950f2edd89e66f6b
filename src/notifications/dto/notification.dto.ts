import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { JsonData } from '../../http/json-data.decorator.js';
import {
  NAME_PART_DESCRIPTION,
  NAME_PART_PATTERN,
  type Notification,
  type NotificationAnswer,
} from '@switchboard/protocol';

export class CreateNotificationDto {
  @ApiProperty({ example: 'alice', description: 'The recipient: the `sub` of their tokens' })
  @IsString()
  @Matches(NAME_PART_PATTERN, { message: `userId ${NAME_PART_DESCRIPTION}` })
  userId!: string;

  @ApiProperty({ example: 'Build finished', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ example: 'main is green again', maxLength: 4000 })
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  body?: string;

  @ApiPropertyOptional({ description: 'Any JSON value for the client' })
  @JsonData()
  data?: unknown;
}

export class NotificationCreatedDto implements NotificationAnswer {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'user:alice' }) channel!: string;
  @ApiProperty() offset!: number;
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
