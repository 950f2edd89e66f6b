import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { CHANNEL_MAX_LENGTH } from '@switchboard/protocol';

export class StreamPositionDto {
  @IsInt()
  @Min(0)
  offset!: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  epoch!: string;
}

export class ChannelDto {
  @IsString()
  @MaxLength(CHANNEL_MAX_LENGTH)
  channel!: string;
}

export class SubscribeDto extends ChannelDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => StreamPositionDto)
  since?: StreamPositionDto;
}

export class RefreshDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  token!: string;
}
