import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ClosedSchema } from '../closed-schema.decorator.js';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { QueryInt } from '../query-int.decorator.js';
import { CHANNEL_MAX_LENGTH } from '@switchboard/protocol';

/** The start of a channel name: part of a namespace, or a namespace, `:` and part of a name. */
export const CHANNEL_PREFIX_PATTERN = /^(?:[a-z][a-z0-9-]{0,31}(?::[A-Za-z0-9_.@=|-]{0,128})?)?$/;

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
    description: 'At most this many channels (a decimal integer)',
    type: 'integer',
    default: 100,
    minimum: 1,
    maximum: 1000,
  })
  @QueryInt(1, 1000)
  limit = 100;

  @ApiPropertyOptional({
    description: 'Only channels after this one (by name): the `next` of the previous page',
    example: 'chat:lobby',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CHANNEL_MAX_LENGTH)
  @Matches(CHANNEL_PREFIX_PATTERN, { message: 'after must be a channel name (the next of a previous page)' })
  after?: string;
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
      "Seconds since the epoch: the user's tokens with an `iat` at or below it (or without `iat`) are refused. " +
      'Default: the current second (every token issued so far, and any minted later in this second). null is the default.',
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

  @ApiPropertyOptional({
    description: 'Present when more channels follow: pass it as `after` for the next page',
    example: 'chat:lobby',
  })
  next?: string;
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
    description: 'The revocation now in force: tokens with an `iat` at or below it are refused',
    type: 'integer',
    example: 1732300001,
  })
  before!: number;
}

export class LiftedDto {
  @ApiProperty({ example: 'alice' }) userId!: string;
  @ApiProperty({
    description: 'Whether a revocation was in force (now lifted on every instance)',
    example: true,
  })
  lifted!: boolean;
}

export class UnsubscribedDto {
  @ApiProperty({ example: 'chat:lobby' }) channel!: string;
  @ApiProperty({ example: 'alice' }) userId!: string;
  @ApiProperty({ type: 'integer', description: 'Connections unsubscribed, on every instance', example: 1 })
  unsubscribed!: number;
}
