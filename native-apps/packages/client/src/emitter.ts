/** What `on(...)` returns. */
export interface Subscription {
  unsubscribe(): void;
}

type Listener<E> = (event: E) => void;

/**
 * A small typed event emitter. `'all'` receives every event. A listener that throws is reported through `onError`
 * and does not stop the others.
 */
export class Emitter<M extends { [K in keyof M]: { type: string } }> {
  private readonly listeners = new Map<string, Set<Listener<never>>>();

  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  on<K extends keyof M & string>(type: K | 'all', listener: Listener<M[K]>): Subscription;
  on(type: string, listener: Listener<{ type: string }>): Subscription;
  on(type: string, listener: Listener<never>): Subscription {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const own = set;
    own.add(listener);
    return { unsubscribe: () => void own.delete(listener) };
  }

  emit(event: { type: string; [key: string]: unknown }): void {
    for (const key of [event.type, 'all']) {
      const set = this.listeners.get(key);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          (listener as Listener<{ type: string }>)(event);
        } catch (e) {
          this.onError(e);
        }
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
