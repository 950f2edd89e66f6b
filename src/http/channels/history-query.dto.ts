import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryInt } from '../../http/query-int.decorator.js';

export class HistoryQueryDto {
  @ApiPropertyOptional({
    description: 'Return publications with offsets above this one (a decimal integer)',
    type: 'integer',
    default: 0,
    minimum: 0,
  })
  @QueryInt(0)
  since = 0;

  @ApiPropertyOptional({
    description: 'At most this many publications (a decimal integer)',
    type: 'integer',
    default: 100,
    minimum: 1,
    maximum: 1000,
  })
  @QueryInt(1, 1000)
  limit = 100;
}
