import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { NAME_PART_DESCRIPTION, NAME_PART_PATTERN } from '@switchboard/protocol';

export class DevTokenRequestDto {
  @ApiProperty({ example: 'alice', description: 'The user id (`sub`): a channel name part' })
  @IsString()
  @Matches(NAME_PART_PATTERN, { message: `sub ${NAME_PART_DESCRIPTION}` })
  sub!: string;

  @ApiPropertyOptional({ example: 'Alice', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;
}

export class DevTokenDto {
  @ApiProperty({ description: 'HS256 JWT: channels chat:*, no roles, valid one hour' })
  token!: string;
}

export class DevNotificationRequestDto {
  @ApiPropertyOptional({ example: 'Hello from the demo', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  body?: string;
}
