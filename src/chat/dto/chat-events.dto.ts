import { Type } from 'class-transformer';
import { Equals, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import type { ChatMessage } from '@switchboard/protocol';

/**
 * The shapes chat sends, for the AsyncAPI document: never used to validate (the server builds
 * these itself), but written as DTOs so the document is generated from them, and typed by the
 * protocol's wire types so they cannot drift from what clients compile against.
 */
export class ChatAuthorDto {
  @IsString() userId!: string;
  @IsOptional() @IsString() name?: string;
  /** Only on messages a backend posted through the REST API. */
  @IsOptional() @Equals(true) system?: true;
}

export class ChatMessageDataDto implements ChatMessage {
  @IsString() id!: string;
  @IsString() room!: string;
  @IsString() text!: string;
  @ValidateNested() @Type(() => ChatAuthorDto) from!: ChatAuthorDto;
  @IsOptional() @IsString() clientId?: string;
}

export class PresenceUserDto {
  @IsString() userId!: string;
  @IsOptional() @IsString() name?: string;
}

/** The whole `chat.typing` payload (volatile events carry no offset or epoch). */
export class ChatTypingEventDto {
  @IsString() channel!: string;
  @Equals('chat.typing') event!: 'chat.typing';
  @ValidateNested() @Type(() => PresenceUserDto) data!: PresenceUserDto;
  @IsInt() ts!: number;
}
