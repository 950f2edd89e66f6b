import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';

/** Counts successful commands; failures are counted by the error filter. */
@Injectable()
export class CommandMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: GatewayMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const command = context.switchToWs().getPattern();
    return next.handle().pipe(tap(() => this.metrics.commands.inc({ command, result: 'ok' })));
  }
}
