import { ApiProperty } from '@nestjs/swagger';
import { ClosedSchema } from '../../http/closed-schema.decorator.js';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { NAME_PART_DESCRIPTION, NAME_PART_PATTERN, type ChatMessageAnswer } from '@switchboard/protocol';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class ChatTypingDto {
  @IsString()
  @Matches(NAME_PART_PATTERN, { message: `room ${NAME_PART_DESCRIPTION}` })
  room!: string;
}

export class ChatSendDto extends ChatTypingDto {
  @Transform(trim)
  @IsString()
  @Length(1, 4000, { message: 'text must be 1 to 4000 characters after trimming' })
  text!: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  clientId?: string;
}

@ClosedSchema()
export class SystemMessageDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 4000,
    example: 'Maintenance at 18:00 UTC',
    description: '1 to 4000 characters after trimming',
  })
  @Transform(trim)
  @IsString()
  @Length(1, 4000, { message: 'text must be 1 to 4000 characters after trimming' })
  text!: string;
}

export class ChatMessageCreatedDto implements ChatMessageAnswer {
  @ApiProperty({ example: '6f1c2a8e-3b1d-4c55-9f5e-0d7b2c1a9e44' }) id!: string;
  @ApiProperty({ type: 'integer', example: 42 }) offset!: number;
}
