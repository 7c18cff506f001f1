/**
 * A value that UI frameworks subscribe to. Each change replaces the value, so that `getSnapshot()` can be compared by
 * identity (React's useSyncExternalStore, Svelte stores, Vue's shallowRef all work with that).
 */
export class Reactive<T> {
  private value: T;
  private readonly subscribers = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.value = initial;
  }

  getSnapshot = (): T => this.value;

  subscribe = (listener: (value: T) => void): (() => void) => {
    this.subscribers.add(listener);
    return () => void this.subscribers.delete(listener);
  };

  set(next: T): void {
    if (next === this.value) return;
    this.value = next;
    for (const s of [...this.subscribers]) s(next);
  }

  update(fn: (value: T) => T): void {
    this.set(fn(this.value));
  }
}
