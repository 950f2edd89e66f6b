import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { isValidNamePart, NAME_PART_DESCRIPTION } from '@switchboard/protocol';

/** A `:room` path parameter must be a valid channel name part. */
@Injectable()
export class RoomParamPipe implements PipeTransform<string, string> {
  transform(room: string): string {
    if (!isValidNamePart(room)) throw new BadRequestException(`room ${NAME_PART_DESCRIPTION}`);
    return room;
  }
}
