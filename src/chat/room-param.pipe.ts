import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { isValidNamePart } from '../realtime/channels/channel-name.js';

/** A `:room` path parameter must be a valid channel name part. */
@Injectable()
export class RoomParamPipe implements PipeTransform<string, string> {
  transform(room: string): string {
    if (!isValidNamePart(room)) throw new BadRequestException('room must match ^[A-Za-z0-9_.@=|-]{1,128}$');
    return room;
  }
}
