import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PublicationDto {
  @ApiProperty({ example: 'chat:lobby' }) channel!: string;
  @ApiProperty({ example: 'chat.message' }) event!: string;
  @ApiProperty({ example: 42 }) offset!: number;
  @ApiProperty({ example: 'k3j9' }) epoch!: string;
  @ApiProperty({ description: 'Any JSON value' }) data!: unknown;
  @ApiProperty({ example: 1732300000000 }) ts!: number;
}

export class HistoryResponseDto {
  @ApiProperty() channel!: string;
  @ApiProperty() epoch!: string;
  @ApiProperty({ description: "The channel's current top offset (0 when empty)" }) offset!: number;
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
