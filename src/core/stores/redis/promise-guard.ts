/**
 * A view of `target` on which every method call that returns a promise gets a rejection
 * handler, so a caller that drops the promise (the Socket.IO Redis adapter publishes and
 * subscribes fire-and-forget) can never cause an unhandled rejection. The caller still
 * receives the original promise and may handle it as well.
 */
export function guardPromises<T extends object>(
  target: T,
  onRejected: (method: string, error: unknown) => void,
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      return function guarded(this: unknown, ...args: unknown[]): unknown {
        const result = method.apply(this === receiver ? object : this, args);
        if (result instanceof Promise) result.catch((error: unknown) => onRejected(String(property), error));
        return result;
      };
    },
  });
}
