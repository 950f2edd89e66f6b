import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ClosedSchema } from '../../http/closed-schema.decorator.js';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** The start of a channel name: part of a namespace, or a namespace, `:` and part of a name. */
export const CHANNEL_PREFIX_PATTERN = /^(?:[a-z][a-z0-9-]{0,31}(?::[A-Za-z0-9_.@=|-]{0,127})?)?$/;

/** 9999-12-31T23:59:59Z: any `before` a JWT `iat` could be compared with. */
const LATEST_BEFORE = 253_402_300_799;

export class ChannelListQueryDto {
  @ApiPropertyOptional({
    description: 'Only channels whose name starts with this (e.g. `chat:` or `chat:team-`)',
    example: 'chat:',
    type: String,
    default: '',
    pattern: CHANNEL_PREFIX_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_PREFIX_PATTERN, { message: 'prefix must be the start of a channel name (namespace:name)' })
  prefix = '';

  @ApiPropertyOptional({
    description: 'At most this many channels',
    type: 'integer',
    default: 100,
    minimum: 1,
    maximum: 1000,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}

@ClosedSchema()
export class DisconnectDto {
  @ApiPropertyOptional({
    nullable: true,
    description:
      'false: a server disconnect (a standard client stays away); true: the transport is closed and the client reconnects',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  reconnect?: boolean;
}

@ClosedSchema()
export class RevokeDto {
  @ApiPropertyOptional({
    type: 'integer',
    maximum: LATEST_BEFORE,
    nullable: true,
    description:
      "Seconds since the epoch: the user's tokens with an `iat` below it (or without `iat`) are refused. " +
      'Default: the end of the current second (every token issued so far).',
    example: 1732300000,
    minimum: 0,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(LATEST_BEFORE)
  before?: number;
}

export class ChannelOccupancyDto {
  @ApiProperty({ example: 'chat:lobby' }) channel!: string;
  @ApiProperty({ type: 'integer', description: 'Subscribed connections, on every instance', example: 3 })
  subscribers!: number;
  @ApiProperty({ type: 'integer', description: 'Distinct users (`sub`) among them', example: 2 })
  users!: number;
}

export class ChannelListDto {
  @ApiProperty({ type: [ChannelOccupancyDto], description: 'Channels with at least one subscriber, by name' })
  channels!: ChannelOccupancyDto[];
}

export class ChannelInfoDto extends ChannelOccupancyDto {
  @ApiProperty({ example: 'k3j9' }) epoch!: string;
  @ApiProperty({
    type: 'integer',
    description: "The channel's current top offset (0 when empty)",
    example: 42,
  })
  offset!: number;
}

export class DisconnectedDto {
  @ApiProperty({ example: 'alice' }) userId!: string;
  @ApiProperty({ type: 'integer', description: 'Connections closed, on every instance', example: 2 })
  disconnected!: number;
}

export class RevokedDto extends DisconnectedDto {
  @ApiProperty({
    description: 'The revocation now in force: tokens with an `iat` below it are refused',
    type: 'integer',
    example: 1732300001,
  })
  before!: number;
}

export class UnsubscribedDto {
  @ApiProperty({ example: 'chat:lobby' }) channel!: string;
  @ApiProperty({ example: 'alice' }) userId!: string;
  @ApiProperty({ type: 'integer', description: 'Connections unsubscribed, on every instance', example: 1 })
  unsubscribed!: number;
}
