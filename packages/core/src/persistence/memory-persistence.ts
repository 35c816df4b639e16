import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import type { BindOptions, PersistedDocument, PersistenceAdapter, PersistenceEvents, PrefetchedDocument, PrefetchedList } from './persistence.js';

interface StoredDocument {
  updates: Uint8Array[];
  meta: Map<string, Uint8Array>;
  /** The document's view as of the last `snapshotList`; dropped by any later update. */
  view?: unknown;
}

const inList = (listId: string, name: string) => name === listId || name.startsWith(`${listId}/`);

/**
 * Keeps documents in memory. Two adapters built on the same `MemoryPersistenceStore` see the same data, which is how
 * tests stand for a page reload.
 */
export class MemoryPersistenceStore {
  /** @internal */
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

  /** Names every stored document of the list, with its view from the last snapshot if it has not changed since. */
  prefetch(listId: string): Promise<PrefetchedList> {
    const documents = new Map<string, PrefetchedDocument>();
    for (const [name, stored] of this.store.documents) {
      if (inList(listId, name)) documents.set(name, stored.view === undefined ? {} : { view: stored.view });
    }
    return Promise.resolve({ documents, release: () => undefined });
  }

  bind(name: string, doc: Y.Doc, options: BindOptions = {}): Promise<PersistedDocument> {
    let stored = this.store.documents.get(name);
    if (!stored) {
      stored = { updates: [], meta: new Map() };
      this.store.documents.set(name, stored);
    }
    const binding = new MemoryBinding(name, doc, stored, options.view, () => this.bound.delete(binding));
    this.bound.add(binding);
    return Promise.resolve(binding);
  }

  /** Keeps each bound document's view beside its (already merged) state. */
  snapshotList(listId: string): Promise<void> {
    for (const binding of this.bound) if (inList(listId, binding.name)) binding.storeView();
    return Promise.resolve();
  }

  /** Every update is stored as it is made. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  readMeta(name: string, key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.store.documents.get(name)?.meta.get(key)?.slice());
  }

  /** Stores a small value beside a document, bound or not. */
  writeMeta(name: string, key: string, value: Uint8Array): Promise<void> {
    let stored = this.store.documents.get(name);
    if (!stored) this.store.documents.set(name, (stored = { updates: [], meta: new Map() }));
    stored.meta.set(key, value.slice());
    return Promise.resolve();
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
    if (origin === this) return;
    this.stored.updates.push(update);
    delete this.stored.view;
  };

  constructor(
    readonly name: string,
    private readonly doc: Y.Doc,
    private readonly stored: StoredDocument,
    private readonly view: (() => unknown) | undefined,
    private readonly onUnbind: () => void,
  ) {
    // What the document held before binding is in no update we will see.
    if (doc.store.clients.size > 0) {
      stored.updates.push(Y.encodeStateAsUpdate(doc));
      delete stored.view;
    }
    if (stored.updates.length > 0) {
      // Merge what was stored so a long-lived test store does not grow one record per edit forever.
      const merged = Y.mergeUpdates(stored.updates);
      stored.updates = [merged];
      Y.applyUpdate(doc, merged, this);
    }
    doc.on('update', this.onUpdate);
  }

  storeView(): void {
    const view = this.view?.();
    if (view === undefined) delete this.stored.view;
    // A copy, as a database would keep: the caller's object may change later.
    else this.stored.view = structuredClone(view);
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
