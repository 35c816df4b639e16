import { DelegatingStorage } from './delegating-storage.js';
import type { AppendEntry, DocumentStorage } from './document-storage.js';

export interface StorageObserver {
  /** One append batch completed (`error` null) or failed, after `seconds`. */
  appended(seconds: number, error: unknown): void;
}

/** A DocumentStorage decorator that times every append batch (the persistence latency metric). */
export class InstrumentedStorage extends DelegatingStorage {
  constructor(
    inner: DocumentStorage,
    private readonly observer: StorageObserver,
  ) {
    super(inner);
  }

  override appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    const start = performance.now();
    const written = this.inner.appendUpdates(entries);
    written.then(
      () => this.observer.appended((performance.now() - start) / 1000, null),
      (error: unknown) => this.observer.appended((performance.now() - start) / 1000, error),
    );
    return written;
  }
}
