import { ObservableV2 } from 'lib0/observable';
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb';
import type * as Y from 'yjs';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import type { PersistedDocument, PersistenceAdapter, PersistenceEvents, PrefetchedList } from './persistence.js';

/** Options of `IndexedDbPersistence` (y-indexeddb, one database per document). */
export interface IndexedDbPersistenceOptions {
  /** Prefix of every database name, so Concord's databases never clash with another app's on the same origin. */
  readonly databasePrefix?: string;
}

/** The defaults of `IndexedDbPersistenceOptions`. */
export const INDEXEDDB_PERSISTENCE_DEFAULTS = { databasePrefix: 'concord:' } as const satisfies IndexedDbPersistenceOptions;

/** Persistence through y-indexeddb: one IndexedDB database per document. Needs a global `indexedDB`. */
export class IndexedDbPersistence extends ObservableV2<PersistenceEvents> implements PersistenceAdapter {
  readonly kind = 'y-indexeddb';
  private readonly prefix: string;
  private readonly bound = new Set<IndexedDbBinding>();

  constructor(options: IndexedDbPersistenceOptions = {}) {
    super();
    this.prefix = options.databasePrefix ?? INDEXEDDB_PERSISTENCE_DEFAULTS.databasePrefix;
    if (typeof indexedDB === 'undefined') {
      throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'IndexedDB is not available in this environment');
    }
  }

  /** A database per document cannot be read a list at a time: names no document, and each bind reads its own. */
  prefetch(_listId: string): Promise<PrefetchedList> {
    return Promise.resolve({ documents: new Map(), release: () => undefined });
  }

  /** y-indexeddb merges each document's updates itself; there is no list snapshot. */
  snapshotList(_listId: string): Promise<void> {
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    await Promise.all([...this.bound].map((binding) => binding.flush()));
  }

  async bind(name: string, doc: Y.Doc): Promise<PersistedDocument> {
    const provider = new IndexeddbPersistence(this.prefix + name, doc);
    try {
      await provider.whenSynced;
    } catch (cause) {
      await provider.destroy();
      throw new ConcordError(ConcordErrorCode.PersistenceFailed, `could not open local storage for ${name}`, { cause });
    }
    const binding = new IndexedDbBinding(name, provider, () => this.bound.delete(binding));
    this.bound.add(binding);
    return binding;
  }

  async clear(name: string): Promise<void> {
    await clearDocument(this.prefix + name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.bound].map((binding) => binding.unbind()));
  }
}

class IndexedDbBinding implements PersistedDocument {
  constructor(
    readonly name: string,
    private readonly provider: IndexeddbPersistence,
    private readonly onUnbind: () => void,
  ) {}

  async getMeta(key: string): Promise<Uint8Array | undefined> {
    const value: unknown = await this.provider.get(key);
    return value instanceof Uint8Array ? value : undefined;
  }

  async setMeta(key: string, value: Uint8Array): Promise<void> {
    // y-indexeddb types its values narrowly; IndexedDB stores typed arrays as they are.
    await this.provider.set(key, value as unknown as ArrayBuffer);
  }

  async flush(): Promise<void> {
    // y-indexeddb writes each update in its own transaction, started a microtask after the update. A read-write
    // transaction on the same store is ordered after them, so once it completes every earlier write has committed.
    const db = await this.provider._db;
    await new Promise<void>((resolve, reject) => {
      const transaction = db.transaction(['updates'], 'readwrite');
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB flush failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB flush aborted'));
    });
  }

  async unbind(): Promise<void> {
    this.onUnbind();
    await this.provider.destroy();
  }
}
