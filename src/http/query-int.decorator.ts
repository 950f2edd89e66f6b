import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Decimal digits, optionally signed: what a query number may be written as (no `0x10`, `1e2`, ` 5`). */
const DECIMAL_INTEGER = /^-?\d+$/;

const decimal = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value;

/**
 * An optional integer query parameter in `[min, max]`, written in decimal (contract v3 §6:
 * `limit=0x10` is a 400, where `Number()` would read 16). Anything else stays a string and
 * fails `IsInt`. An empty parameter never gets here: the REST validation pipe drops it, so
 * the property's default applies.
 */
export function QueryInt(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return applyDecorators(IsOptional(), Transform(decimal), IsInt(), Min(min), Max(max));
}
