import { ApiProperty } from '@nestjs/swagger';

/**
 * The NestJS error body every REST failure answers with (`{ statusCode, message, error }`):
 * `message` is one sentence, or the list of validation problems of a 400.
 */
export class ErrorBodyDto {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode!: number;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['event must match ^[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*$'],
  })
  message!: string | string[];

  @ApiProperty({ description: "The status's reason phrase", example: 'Bad Request' })
  error!: string;
}
