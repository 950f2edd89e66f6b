import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

export class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ description: 'INSTANCE_ID', example: 'gateway-1' }) instance!: string;
}

/** `@nestjs/terminus` indicator results by name (`connections`, `memory` or `redis`). */
const CHECKS: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] }, reason: { type: 'string' } },
    required: ['status'],
  },
  example: { connections: { status: 'up' }, redis: { status: 'up' } },
};

export class ReadyDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ example: 'gateway-1' }) instance!: string;
  @ApiProperty(CHECKS) checks!: Record<string, unknown>;
}

/** Readiness refused: the failing check says why (`draining`, `unreachable`). */
export class NotReadyDto {
  @ApiProperty({ type: 'integer', enum: [503] }) statusCode!: 503;
  @ApiProperty({ enum: ['error'] }) status!: 'error';
  @ApiProperty({ example: 'gateway-1' }) instance!: string;
  @ApiProperty(CHECKS) checks!: Record<string, unknown>;
}
