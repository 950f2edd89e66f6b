import { ApiParam } from '@nestjs/swagger';
import { CHANNEL_PATTERN, NAME_PART_PATTERN } from '@switchboard/protocol';

/** A `:channel` path parameter: a channel name (a bad one is a 400, an unknown namespace a 404). */
export const ApiChannelParam = (): MethodDecorator =>
  ApiParam({
    name: 'channel',
    example: 'chat:lobby',
    schema: { type: 'string', pattern: CHANNEL_PATTERN.source },
  });

/** A path parameter that is a channel name part: a user id (`sub`), a chat room, a module's item id. */
export const ApiNamePartParam = (name: string, example: string): MethodDecorator =>
  ApiParam({ name, example, schema: { type: 'string', pattern: NAME_PART_PATTERN.source } });
