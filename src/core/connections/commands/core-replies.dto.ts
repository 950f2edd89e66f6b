import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { CHANNEL_PATTERN, type SubscribeAnswer } from '@switchboard/protocol';
import { PublicationDto } from '../../delivery/core-events.dto.js';

/** The `data` of the core commands' ok answers, for the AsyncAPI document. */
export class SubscribeAnswerDto implements SubscribeAnswer {
  @Matches(CHANNEL_PATTERN) channel!: string;
  /** The channel's top (0 when it has no publication yet). */
  @IsInt() @Min(0) offset!: number;
  @IsString() @IsNotEmpty() epoch!: string;
  /** Present when `since` was given. */
  @IsOptional() @IsBoolean() recovered?: boolean;
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PublicationDto)
  publications?: PublicationDto[];
}

export class ChannelAnswerDto {
  @Matches(CHANNEL_PATTERN) channel!: string;
}

export class RefreshAnswerDto {
  /** The new token's expiry (seconds since the epoch), when it has one. */
  @IsOptional() @IsInt() exp?: number;
}
