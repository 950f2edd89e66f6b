import { jest } from '@jest/globals';
import type { Publication } from '@switchboard/protocol';
import { routeServerEvent, type RouteTargets } from './server-event-router.js';
import type { Subscription } from './subscription.js';

function targetsWith(subscription: Partial<Subscription>): { targets: RouteTargets; other: string[] } {
  const other: string[] = [];
  const targets: RouteTargets = {
    subscription: (channel) => (channel === 'orders:42' ? (subscription as Subscription) : undefined),
    sessionExpired: () => other.push('session.expired'),
    sessionTerminated: () => other.push('session.terminated'),
    revoked: () => other.push('revoked'),
    exception: () => other.push('exception'),
  };
  return { targets, other };
}

describe('routeServerEvent', () => {
  it("routes a volatile event it has no name for to its channel's subscription, by name", () => {
    const volatile = jest.fn();
    const { targets, other } = targetsWith({ volatile });
    const payload = { channel: 'orders:42', event: 'orders.eta', data: { minutes: 5 }, ts: 1 };
    routeServerEvent('orders.eta', payload, targets);
    expect(volatile).toHaveBeenCalledWith('orders.eta', payload);
    expect(other).toEqual([]);
  });

  it('ignores a volatile event of a channel the app did not subscribe to', () => {
    const volatile = jest.fn();
    const { targets } = targetsWith({ volatile });
    routeServerEvent('orders.eta', { channel: 'orders:7', event: 'orders.eta', ts: 1 }, targets);
    expect(volatile).not.toHaveBeenCalled();
  });

  it('sends a stored publication, whatever its name, to receive(), never as a volatile event', () => {
    const volatile = jest.fn();
    const receive = jest.fn();
    const { targets } = targetsWith({ volatile, receive });
    const publication: Publication = {
      channel: 'orders:42',
      event: 'order.status',
      offset: 3,
      epoch: 'e',
      data: {},
      ts: 1,
    };
    routeServerEvent('order.status', publication, targets);
    expect(receive).toHaveBeenCalledWith(publication);
    expect(volatile).not.toHaveBeenCalled();
  });

  it('keeps the connection-wide events off the subscriptions', () => {
    const volatile = jest.fn();
    const { targets, other } = targetsWith({ volatile });
    routeServerEvent('session.expired', { event: 'session.expired', data: { exp: 1 }, ts: 1 }, targets);
    routeServerEvent('exception', { code: 'NOT_FOUND', message: 'x', event: 'nope' }, targets);
    expect(other).toEqual(['session.expired', 'exception']);
    expect(volatile).not.toHaveBeenCalled();
  });
});
