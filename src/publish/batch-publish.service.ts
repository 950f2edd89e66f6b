import { HttpStatus, Injectable } from '@nestjs/common';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { httpErrorBody } from '../http/gateway-error.http-filter.js';
import { type BatchItem, ChannelPublisher } from '../core/index.js';
import { restIdempotencyKey } from '../http/idempotency-key.decorator.js';
import { detachJsonData, jsonDataProperties } from '../http/json-data.decorator.js';
import { withoutNulls } from '../validation/null-means-absent.js';
import { prototypeKeyPaths, unknownFieldMessage } from '../validation/prototype-keys.js';
import type { BatchItemPublishedDto } from './dto/publish.dto.js';
import { PublishBatchItemDto, type BatchItemFailedDto } from './dto/publish-batch.dto.js';

type ItemCheck = { ok: true; item: BatchItem } | { ok: false; failed: BatchItemFailedDto };

const messagesOf = (errors: readonly ValidationError[]): string[] =>
  errors.flatMap((error) => [...Object.values(error.constraints ?? {}), ...messagesOf(error.children ?? [])]);

/** Validates one item like the REST body of `POST /api/v1/publish` (same DTO rules). */
function check(value: unknown): ItemCheck {
  const channel =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { channel?: unknown }).channel === 'string'
      ? (value as { channel: string }).channel
      : null;
  const bad = (message: string | string[]): ItemCheck => ({
    ok: false,
    failed: { channel, error: { statusCode: HttpStatus.BAD_REQUEST, message } },
  });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad('each publication must be an object');
  }
  const unknown = prototypeKeyPaths(value, { deep: false });
  if (unknown.length > 0) return bad(unknown.map(unknownFieldMessage));
  // `data` as sent (see JsonData): class-transformer would copy it without such keys. Any
  // other field sent as null is left out (`idempotencyKey: null` is no key).
  const jsonData = jsonDataProperties(PublishBatchItemDto);
  const { envelope, restore } = detachJsonData(
    jsonData,
    withoutNulls(value as Record<string, unknown>, jsonData),
  );
  const dto = restore(plainToInstance(PublishBatchItemDto, envelope));
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) return bad(messagesOf(errors));
  return {
    ok: true,
    item: {
      channel: dto.channel,
      event: dto.event,
      data: dto.data ?? null,
      idempotencyKey: restIdempotencyKey(dto.idempotencyKey),
    },
  };
}

/**
 * `POST /api/v1/publish/batch`: every item is checked and published on its own, so one bad
 * item never fails the others; results come back in request order.
 */
@Injectable()
export class BatchPublishService {
  constructor(
    private readonly publisher: ChannelPublisher,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** `values` already has 1..100 items (the request DTO); each is checked here. */
  async publish(values: readonly unknown[]): Promise<(BatchItemPublishedDto | BatchItemFailedDto)[]> {
    this.metrics.batchSizes.observe(values.length);
    const checks = values.map(check);
    const items = checks.flatMap((c) => (c.ok ? [c.item] : []));
    const outcomes = (await this.publisher.publishBatch(items)).values();
    // Outcomes follow the valid items in order: walk the checks and take the next one for each.
    return checks.map((c) => {
      if (!c.ok) return c.failed;
      const outcome = outcomes.next().value;
      if (outcome?.ok) {
        const { channel, event, offset, epoch } = outcome.result;
        return {
          channel,
          event,
          offset,
          epoch,
          ...(outcome.result.duplicate && { replayed: true as const }),
        };
      }
      const { statusCode, message } = outcome
        ? httpErrorBody(outcome.error)
        : { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'not published' };
      return { channel: c.item.channel, error: { statusCode, message } };
    });
  }
}
