export type Listener<T> = (payload: T) => void;

/**
 * Runs a user callback; if it throws, the error surfaces as an uncaught error on its own
 * stack, so a bug in the app never leaves the SDK's ordering state half-updated.
 */
export function invokeSafely<T>(listener: Listener<T>, payload: T): void {
  try {
    listener(payload);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** A minimal typed event emitter that runs the same in browsers and Node (no `events`). */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) invokeSafely(listener as Listener<Events[K]>, payload);
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
