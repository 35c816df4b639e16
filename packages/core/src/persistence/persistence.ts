import type { ObservableV2 } from 'lib0/observable';
import type * as Y from 'yjs';

/** Events of a persistence adapter. */
export interface PersistenceEvents {
  /** A write failed (e.g. the storage quota is full). The change is kept in memory and retried; nothing is lost. */
  error: (error: Error) => void;
}

/**
 * Local storage for Yjs documents. An adapter loads what it holds into a document and then stores every later update
 * of that document, so the app works and reloads with no network. Implementations: `SingleDatabasePersistence` (every
 * document in one IndexedDB database: the default where IndexedDB exists), `IndexedDbPersistence` (y-indexeddb, one
 * database per document) and `MemoryPersistence` (the default elsewhere: tests, Node). Every adapter passes
 * `runPersistenceAdapterTests`.
 */
export interface PersistenceAdapter extends Pick<ObservableV2<PersistenceEvents>, 'on' | 'off'> {
  /** A short name for logs and benchmarks. */
  readonly kind: string;
  /**
   * Reads a whole list (`listId` and `listId/…`) ahead of binding its documents one by one. Until `release`, binding
   * a document this read names applies its stored state before `bind` returns, so a caller can open a document on
   * demand, synchronously. An adapter that cannot read ahead names no documents (binds then read as usual).
   */
  prefetch(listId: string): Promise<PrefetchedList>;
  /**
   * Merges what is stored for an open list into one snapshot now, with each bound document's view, if anything
   * changed since the last one (adapters may also do it when idle). Adapters without snapshots resolve at once.
   */
  snapshotList(listId: string): Promise<void>;
  /** Resolves once every update of every bound document made so far is durably stored. */
  flush(): Promise<void>;
  /**
   * Applies everything stored under `name` to `doc` (origin: the returned binding), and stores each update of `doc`
   * made from the moment of the call (not only after the promise resolves) until unbound. Resolves once the stored
   * state is in `doc`.
   */
  bind(name: string, doc: Y.Doc, options?: BindOptions): Promise<PersistedDocument>;
  /**
   * Small values kept beside a document, bound or not (a list's undo stack is read before its documents are applied).
   * The same entries as the bound document's `getMeta`/`setMeta`. Adapters without them keep such values in memory only.
   */
  readMeta?(name: string, key: string): Promise<Uint8Array | undefined>;
  /** Stores a small value beside a document, bound or not (see `readMeta`). */
  writeMeta?(name: string, key: string, value: Uint8Array): Promise<void>;
  /** Deletes everything stored under `name` (the document must not be bound). */
  clear(name: string): Promise<void>;
  /** Unbinds every document and releases the adapter's resources. */
  close(): Promise<void>;
}

/** How a document is bound to storage. */
export interface BindOptions {
  /**
   * A plain, JSON-serialisable rendering of the document (a task's fields, say). Adapters that snapshot lists store it
   * beside the document's state and hand it back from `prefetch`, so a list can show a document before applying it.
   */
  readonly view?: () => unknown;
}

/** What `prefetch` read of one document. */
export interface PrefetchedDocument {
  /** The document's view as of the list's last snapshot; absent when anything was stored for it since. */
  readonly view?: unknown;
}

/** What `prefetch` read of a list's documents in one pass, served to the binds that follow. */
export interface PrefetchedList {
  /** Every document of the list this read found in storage, by name. */
  readonly documents: ReadonlyMap<string, PrefetchedDocument>;
  /** Binds are no longer served from this read. */
  release(): void;
}

/** One bound document. */
export interface PersistedDocument {
  readonly name: string;
  /** Small values kept beside the document's updates, e.g. the clocks the relay confirmed. */
  getMeta(key: string): Promise<Uint8Array | undefined>;
  /** Stores a small value beside the document's updates (replacing any under the same key). */
  setMeta(key: string, value: Uint8Array): Promise<void>;
  /** Resolves once every update made so far is durably stored. */
  flush(): Promise<void>;
  /** Stops storing the document's updates; what is stored stays. */
  unbind(): Promise<void>;
}
