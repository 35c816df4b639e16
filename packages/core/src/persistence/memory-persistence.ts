import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import type { PersistedDocument, PersistenceAdapter, PersistenceEvents } from './persistence.js';

interface StoredDocument {
  updates: Uint8Array[];
  meta: Map<string, Uint8Array>;
}

/**
 * Keeps documents in memory. Two adapters built on the same `MemoryPersistenceStore` see the same data, which is how
 * tests stand for a page reload.
 */
export class MemoryPersistenceStore {
  readonly documents = new Map<string, StoredDocument>();

  /** Total bytes of stored updates, for tests that check storage stays bounded. */
  byteLength(name: string): number {
    return (this.documents.get(name)?.updates ?? []).reduce((sum, update) => sum + update.byteLength, 0);
  }
}

/** The in-memory persistence adapter: for tests and for Node processes that keep nothing between runs. */
export class MemoryPersistence extends ObservableV2<PersistenceEvents> implements PersistenceAdapter {
  readonly kind = 'memory';
  private readonly bound = new Set<MemoryBinding>();

  constructor(readonly store: MemoryPersistenceStore = new MemoryPersistenceStore()) {
    super();
  }

  bind(name: string, doc: Y.Doc): Promise<PersistedDocument> {
    let stored = this.store.documents.get(name);
    if (!stored) {
      stored = { updates: [], meta: new Map() };
      this.store.documents.set(name, stored);
    }
    const binding = new MemoryBinding(name, doc, stored, () => this.bound.delete(binding));
    this.bound.add(binding);
    return Promise.resolve(binding);
  }

  clear(name: string): Promise<void> {
    this.store.documents.delete(name);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await Promise.all([...this.bound].map((binding) => binding.unbind()));
  }
}

class MemoryBinding implements PersistedDocument {
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.stored.updates.push(update);
  };

  constructor(
    readonly name: string,
    private readonly doc: Y.Doc,
    private readonly stored: StoredDocument,
    private readonly onUnbind: () => void,
  ) {
    // What the document held before binding is in no update we will see.
    if (doc.store.clients.size > 0) stored.updates.push(Y.encodeStateAsUpdate(doc));
    if (stored.updates.length > 0) {
      // Merge what was stored so a long-lived test store does not grow one record per edit forever.
      const merged = Y.mergeUpdates(stored.updates);
      stored.updates = [merged];
      Y.applyUpdate(doc, merged, this);
    }
    doc.on('update', this.onUpdate);
  }

  getMeta(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.stored.meta.get(key));
  }

  setMeta(key: string, value: Uint8Array): Promise<void> {
    this.stored.meta.set(key, value.slice());
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  unbind(): Promise<void> {
    this.doc.off('update', this.onUpdate);
    this.onUnbind();
    return Promise.resolve();
  }
}
