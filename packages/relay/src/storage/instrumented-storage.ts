import type { AppendEntry, CompactionResult, DocumentStorage, MergeUpdates, PickQuarantine, QuarantinedUpdate } from './document-storage.js';

export interface StorageObserver {
  /** One append batch completed (`error` null) or failed, after `seconds`. */
  appended(seconds: number, error: unknown): void;
}

/** A DocumentStorage decorator that times every append batch (the persistence latency metric). */
export class InstrumentedStorage implements DocumentStorage {
  constructor(
    private readonly inner: DocumentStorage,
    private readonly observer: StorageObserver,
  ) {}

  loadUpdates(doc: string): Promise<Uint8Array[]> {
    return this.inner.loadUpdates(doc);
  }

  appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    const start = performance.now();
    const written = this.inner.appendUpdates(entries);
    written.then(
      () => this.observer.appended((performance.now() - start) / 1000, null),
      (error: unknown) => this.observer.appended((performance.now() - start) / 1000, error),
    );
    return written;
  }

  compact(doc: string, merge: MergeUpdates): Promise<CompactionResult> {
    return this.inner.compact(doc, merge);
  }

  quarantine(doc: string, pick: PickQuarantine): Promise<QuarantinedUpdate[]> {
    return this.inner.quarantine(doc, pick);
  }

  listQuarantine(doc?: string): Promise<QuarantinedUpdate[]> {
    return this.inner.listQuarantine(doc);
  }

  releaseQuarantined(doc: string, id: number): Promise<boolean> {
    return this.inner.releaseQuarantined(doc, id);
  }

  loadClientBindings(doc: string): Promise<Map<number, string>> {
    return this.inner.loadClientBindings(doc);
  }

  listDocuments(): Promise<string[]> {
    return this.inner.listDocuments();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
