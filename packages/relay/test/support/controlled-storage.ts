import { StorageError } from '../../src/errors.js';
import { DelegatingStorage } from '../../src/storage/delegating-storage.js';
import type { AppendEntry, CompactionResult, MergeUpdates } from '../../src/storage/document-storage.js';
import { MemoryStorage } from '../../src/storage/memory-storage.js';

/** A deferred promise, to hold a storage operation until the test lets it go. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * MemoryStorage with test controls: count calls, hold appends/loads/compactions behind a gate, fail appends.
 * Appends are applied to the inner storage only after the gate opens and only if they do not fail.
 */
export class ControlledStorage extends DelegatingStorage {
  declare readonly inner: MemoryStorage;
  readonly appendCalls: AppendEntry[][] = [];
  loadCalls = 0;
  appendGate: Promise<void> | null = null;
  loadGate: Promise<void> | null = null;
  compactGate: Promise<void> | null = null;
  failAppends = false;

  constructor() {
    super(new MemoryStorage());
  }

  override async loadUpdates(doc: string): Promise<Uint8Array[]> {
    this.loadCalls++;
    await this.loadGate;
    return this.inner.loadUpdates(doc);
  }

  override async appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    this.appendCalls.push([...entries]);
    const fail = this.failAppends;
    await this.appendGate;
    if (fail) throw new StorageError('disk full (simulated)');
    await this.inner.appendUpdates(entries);
  }

  override async compact(doc: string, merge: MergeUpdates): Promise<CompactionResult> {
    await this.compactGate;
    return this.inner.compact(doc, merge);
  }
}
