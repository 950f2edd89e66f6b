import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { Principal } from '../../../auth/principal.js';
import { GatewayError } from '../../errors/gateway.error.js';
import { SessionGuard } from './session.guard.js';

function contextFor(command: string, principal?: Principal): ExecutionContextHost {
  const context = new ExecutionContextHost([{ data: { principal } }, {}, command]);
  context.setType('ws');
  return context;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
}

describe('SessionGuard', () => {
  const guard = new SessionGuard();
  const now = Math.floor(Date.now() / 1000);
  const live: Principal = { sub: 'a', roles: [], channels: [], exp: now + 60 };
  const expired: Principal = { sub: 'a', roles: [], channels: [], exp: now - 1 };

  it('lets a live session run any command', () => {
    expect(guard.canActivate(contextFor('subscribe', live))).toBe(true);
  });

  it('refuses commands of an expired session with UNAUTHORIZED', () => {
    expect(codeOf(() => guard.canActivate(contextFor('chat.send', expired)))).toBe('UNAUTHORIZED');
  });

  it('still hears auth.refresh at the expiry instant: it brings its own token', () => {
    expect(guard.canActivate(contextFor('auth.refresh', expired))).toBe(true);
  });

  it('refuses a connection without a principal', () => {
    expect(codeOf(() => guard.canActivate(contextFor('auth.refresh')))).toBe('UNAUTHORIZED');
  });
});
