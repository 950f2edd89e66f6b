import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_VALUE_SCHEMA } from '../../http/json-data.decorator.js';

export class PublicationDto {
  @ApiProperty({ example: 'chat:lobby' }) channel!: string;
  @ApiProperty({ example: 'chat.message' }) event!: string;
  @ApiProperty({ type: 'integer', example: 42 }) offset!: number;
  @ApiProperty({ example: 'k3j9' }) epoch!: string;
  @ApiProperty({
    ...JSON_VALUE_SCHEMA,
    description: 'Any JSON value (null for none)',
    example: { text: 'hi' },
  })
  data!: unknown;
  @ApiProperty({
    type: 'integer',
    description: 'Publication time, ms since the epoch',
    example: 1732300000000,
  })
  ts!: number;
}

export class HistoryResponseDto {
  @ApiProperty() channel!: string;
  @ApiProperty() epoch!: string;
  @ApiProperty({ type: 'integer', description: "The channel's current top offset (0 when empty)" })
  offset!: number;
  @ApiProperty({ type: [PublicationDto] }) publications!: PublicationDto[];
}

export class PresenceUserDto {
  @ApiProperty() userId!: string;
  @ApiPropertyOptional() name?: string;
}

export class PresenceResponseDto {
  @ApiProperty() channel!: string;
  @ApiProperty({ type: [PresenceUserDto] }) users!: PresenceUserDto[];
}
