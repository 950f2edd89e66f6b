import { BadRequestException, Param } from '@nestjs/common';
import { isValidNamePart, NAME_PART_DESCRIPTION } from '@switchboard/protocol';

/**
 * A path parameter that names a channel's name part (a room, a user id, a parcel id):
 * `@NamePartParam('id') id: string`, a 400 naming the parameter for anything else.
 */
export const NamePartParam = (name: string): ParameterDecorator =>
  Param(name, {
    transform(value: string): string {
      if (!isValidNamePart(value)) throw new BadRequestException(`${name} ${NAME_PART_DESCRIPTION}`);
      return value;
    },
  });
