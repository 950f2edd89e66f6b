import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ClosedSchema } from '../../http/closed-schema.decorator.js';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { NAME_PART_DESCRIPTION, NAME_PART_PATTERN } from '@switchboard/protocol';

@ClosedSchema()
export class DevTokenRequestDto {
  @ApiProperty({
    example: 'alice',
    description: 'The user id (`sub`): a channel name part',
    pattern: NAME_PART_PATTERN.source,
  })
  @IsString()
  @Matches(NAME_PART_PATTERN, { message: `sub ${NAME_PART_DESCRIPTION}` })
  sub!: string;

  @ApiPropertyOptional({ example: 'Alice', minLength: 1, maxLength: 64, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;
}

export class DevTokenDto {
  @ApiProperty({ description: 'HS256 JWT: channels chat:*, no roles, valid one hour' })
  token!: string;
}

@ClosedSchema()
export class DevNotificationRequestDto {
  @ApiPropertyOptional({ example: 'Hello from the demo', minLength: 1, maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 4000, nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  body?: string;
}
