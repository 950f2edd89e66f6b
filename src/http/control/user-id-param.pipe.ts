import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { isValidNamePart, NAME_PART_DESCRIPTION } from '@switchboard/protocol';

/** A `:userId` path parameter is a token `sub`, so a valid channel name part. */
@Injectable()
export class UserIdParamPipe implements PipeTransform<string, string> {
  transform(userId: string): string {
    if (!isValidNamePart(userId)) throw new BadRequestException(`userId ${NAME_PART_DESCRIPTION}`);
    return userId;
  }
}
