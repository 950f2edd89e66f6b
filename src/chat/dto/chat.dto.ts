import { ApiProperty } from '@nestjs/swagger';
import { ClosedSchema } from '../../http/closed-schema.decorator.js';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import {
  type ChatMessageAnswer,
  type CommandPayload,
  NAME_PART_DESCRIPTION,
  NAME_PART_PATTERN,
} from '@switchboard/protocol';

/** Anything but an unset value written out (`"null"`, `"undefined"`): never a key (see `isUnsetValueText`). */
const NOT_UNSET_TEXT = /^(?!(?:null|undefined)$)/;

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class ChatTypingDto implements CommandPayload<'chat.typing'> {
  @IsString()
  @Matches(NAME_PART_PATTERN, { message: `room ${NAME_PART_DESCRIPTION}` })
  room!: string;
}

export class ChatSendDto extends ChatTypingDto implements CommandPayload<'chat.send'> {
  @Transform(trim)
  @IsString()
  @Length(1, 4000, { message: 'text must be 1 to 4000 characters after trimming' })
  text!: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(NOT_UNSET_TEXT, {
    message: 'clientId must not be "null" or "undefined" (an unset value is no key)',
  })
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

/** The answer to a message, over REST (201) and to `chat.send` (its ack's `data`). */
export class ChatMessageCreatedDto implements ChatMessageAnswer {
  @ApiProperty({ example: '6f1c2a8e-3b1d-4c55-9f5e-0d7b2c1a9e44' }) @IsString() id!: string;
  @ApiProperty({ type: 'integer', example: 42 }) @IsInt() @Min(1) offset!: number;
}

export { ChatMessageCreatedDto as ChatSentDto };

/** An ack whose `data` is `{}`. */
export class EmptyReplyDto {}
