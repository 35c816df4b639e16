import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import { openDatabase, requestResult, transactionDone } from './idb-requests.js';
import type { PersistedDocument, PersistenceAdapter, PersistenceEvents } from './persistence.js';

export interface SingleDatabasePersistenceOptions {
  /** The app's one IndexedDB database. */
  readonly databaseName?: string;
  /** Merge a document's records into one once it has this many. */
  readonly compactAfterRecords?: number;
  /** Merge documents with several records after this long without writes (ms). */
  readonly idleCompactionDelay?: number;
}

export const SINGLE_DATABASE_PERSISTENCE_DEFAULTS = {
  databaseName: 'concord',
  compactAfterRecords: 100,
  idleCompactionDelay: 2_000,
} as const satisfies Required<SingleDatabasePersistenceOptions>;

const UPDATES = 'updates';
const META = 'meta';
const BY_DOC = 'by-doc';

interface PrefetchedList {
  readonly updates: Map<string, Uint8Array[]>;
  readonly meta: Map<string, Map<string, Uint8Array>>;
}

interface UpdateRecord {
  readonly doc: string;
  readonly update: Uint8Array;
}

/**
 * Every document of the app in ONE IndexedDB database: an `updates` store of {doc, update} records under
 * auto-increment keys (unique across tabs, which share the database) with an index by document, and a `meta` store.
 * A list opens with one `getAll` over its documents' names instead of one database per document (y-indexeddb), and
 * local edits of one turn are written in one transaction. A document's records are merged into one when it has many,
 * or when the app is idle, in one transaction, so a crash mid-merge leaves either all old records or the merged one.
 */
export class SingleDatabasePersistence extends ObservableV2<PersistenceEvents> implements PersistenceAdapter {
  readonly kind = 'indexeddb-single';
  private readonly options: Required<SingleDatabasePersistenceOptions>;
  private database: Promise<IDBDatabase> | null = null;
  private readonly bound = new Map<string, SingleDatabaseBinding>();
  private readonly prefetched = new Map<string, PrefetchedList>();
  private queue: UpdateRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private writeQueued = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: SingleDatabasePersistenceOptions = {}) {
    super();
    this.options = { ...SINGLE_DATABASE_PERSISTENCE_DEFAULTS, ...options };
    if (this.options.compactAfterRecords < 2) throw new TypeError('compactAfterRecords must be at least 2');
    if (typeof indexedDB === 'undefined') {
      throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'IndexedDB is not available in this environment');
    }
  }

  /**
   * Reads every record and metadata entry of `listId` and its tasks (`listId/…`) in one transaction, so binding them
   * until `release()` costs no further reads. Only while the caller loads the list: a task another tab creates later
   * must be read from the database, not taken as empty.
   */
  async prefetch(listId: string): Promise<() => void> {
    const db = await this.db();
    const transaction = db.transaction([UPDATES, META], 'readonly');
    const prefix = `${listId}/`;
    const inList = (doc: string) => doc === listId || doc.startsWith(prefix);
    const [records, metaKeys, metaValues] = await Promise.all([
      requestResult(transaction.objectStore(UPDATES).index(BY_DOC).getAll(IDBKeyRange.bound(listId, `${prefix}\uffff`))) as Promise<UpdateRecord[]>,
      requestResult(transaction.objectStore(META).getAllKeys(IDBKeyRange.bound([listId], [`${prefix}\uffff`, []]))),
      requestResult(transaction.objectStore(META).getAll(IDBKeyRange.bound([listId], [`${prefix}\uffff`, []]))) as Promise<unknown[]>,
    ]);
    const scope: PrefetchedList = { updates: new Map(), meta: new Map() };
    for (const record of records) {
      if (!inList(record.doc)) continue;
      let updates = scope.updates.get(record.doc);
      if (!updates) scope.updates.set(record.doc, (updates = []));
      updates.push(record.update);
    }
    metaKeys.forEach((key, i) => {
      const [doc, name] = key as [string, string];
      const value = metaValues[i];
      if (!inList(doc) || !(value instanceof Uint8Array)) return;
      let entries = scope.meta.get(doc);
      if (!entries) scope.meta.set(doc, (entries = new Map<string, Uint8Array>()));
      entries.set(name, value);
    });
    this.prefetched.set(listId, scope);
    return () => {
      if (this.prefetched.get(listId) === scope) this.prefetched.delete(listId);
    };
  }

  bind(name: string, doc: Y.Doc): Promise<PersistedDocument> {
    const scope = this.prefetchedScope(name);
    // Listen before any await: an edit made right after bind() (a task created in the same turn) must be stored too.
    const binding = new SingleDatabaseBinding(name, doc, this, scope ? new Map(scope.meta.get(name)) : null);
    this.bound.set(name, binding);
    // What the document held before binding is not in any update we will see: store it as one record.
    if (doc.store.clients.size > 0) this.append({ doc: name, update: Y.encodeStateAsUpdate(doc) });
    return this.load(binding, doc, scope?.updates.get(name) ?? (scope ? [] : null));
  }

  private async load(binding: SingleDatabaseBinding, doc: Y.Doc, prefetched: Uint8Array[] | null): Promise<PersistedDocument> {
    let updates = prefetched;
    if (!updates) {
      try {
        const db = await this.db();
        const index = db.transaction(UPDATES, 'readonly').objectStore(UPDATES).index(BY_DOC);
        const records = (await requestResult(index.getAll(IDBKeyRange.only(binding.name)))) as UpdateRecord[];
        updates = records.map((record) => record.update);
      } catch (cause) {
        await binding.unbind();
        throw new ConcordError(ConcordErrorCode.PersistenceFailed, `could not read ${binding.name} from local storage`, { cause });
      }
    }
    binding.records += updates.length;
    Y.transact(doc, () => updates.forEach((update) => Y.applyUpdate(doc, update)), binding, false);
    // A document read back as several records is merged when the app is idle, so the next open reads one.
    if (updates.length > 1) this.scheduleIdleCompaction();
    return binding;
  }

  private prefetchedScope(name: string): PrefetchedList | undefined {
    const slash = name.indexOf('/');
    return this.prefetched.get(slash < 0 ? name : name.slice(0, slash));
  }

  /** Resolves once every change queued so far is committed; one call covers every bound document. */
  flush(): Promise<void> {
    return this.flushWrites();
  }

  async clear(name: string): Promise<void> {
    await this.writing;
    const db = await this.db();
    const transaction = db.transaction([UPDATES, META], 'readwrite');
    const updates = transaction.objectStore(UPDATES);
    const keys = await requestResult(updates.index(BY_DOC).getAllKeys(IDBKeyRange.only(name)));
    for (const key of keys) updates.delete(key);
    transaction.objectStore(META).delete(IDBKeyRange.bound([name], [name, []]));
    await transactionDone(transaction);
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await Promise.all([...this.bound.values()].map((binding) => binding.unbind()));
    await this.writing.catch(() => undefined);
    if (this.database) (await this.database).close();
    this.database = null;
    this.destroy();
  }

  /** @internal Queues a record; every record queued in one turn is written in one transaction. */
  append(record: UpdateRecord): void {
    this.queue.push(record);
    if (this.writeQueued) return;
    this.writeQueued = true;
    queueMicrotask(() => {
      this.writeQueued = false;
      this.writing = this.writing.then(() => this.writeQueuedRecords());
    });
  }

  /** @internal Resolves once every record queued so far is committed (or has failed and been reported). */
  async flushWrites(): Promise<void> {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await this.writing;
    if (this.queue.length > 0) throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'local changes are not stored yet');
  }

  /** @internal */
  async readMeta(name: string, key: string): Promise<Uint8Array | undefined> {
    const db = await this.db();
    const value: unknown = await requestResult(db.transaction(META, 'readonly').objectStore(META).get([name, key]));
    return value instanceof Uint8Array ? value : undefined;
  }

  /** @internal */
  async writeMeta(name: string, key: string, value: Uint8Array): Promise<void> {
    const db = await this.db();
    const transaction = db.transaction(META, 'readwrite');
    transaction.objectStore(META).put(value.slice(), [name, key]);
    await transactionDone(transaction);
  }

  /** @internal */
  forget(name: string): void {
    this.bound.delete(name);
  }

  private async writeQueuedRecords(): Promise<void> {
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    try {
      const db = await this.db();
      const transaction = db.transaction(UPDATES, 'readwrite');
      const store = transaction.objectStore(UPDATES);
      for (const record of records) store.add(record);
      await transactionDone(transaction);
    } catch (cause) {
      // Keep the records (they are also in memory and will reach the relay): the next write retries them.
      this.queue = [...records, ...this.queue];
      this.emit('error', [new ConcordError(ConcordErrorCode.PersistenceFailed, describeWriteFailure(cause), { cause })]);
      return;
    }
    for (const record of records) this.bound.get(record.doc)?.recordWritten();
    this.scheduleIdleCompaction();
  }

  /** @internal Replaces a document's records with one merged record, atomically. */
  compact(name: string): Promise<void> {
    this.writing = this.writing.then(async () => {
      const db = await this.db();
      const transaction = db.transaction(UPDATES, 'readwrite');
      const store = transaction.objectStore(UPDATES);
      const index = store.index(BY_DOC);
      const [keys, records] = await Promise.all([
        requestResult(index.getAllKeys(IDBKeyRange.only(name))),
        requestResult(index.getAll(IDBKeyRange.only(name))) as Promise<UpdateRecord[]>,
      ]);
      if (records.length < 2) return;
      const merged = Y.mergeUpdates(records.map((record) => record.update));
      for (const key of keys) store.delete(key);
      store.add({ doc: name, update: merged } satisfies UpdateRecord);
      await transactionDone(transaction);
      this.bound.get(name)?.compacted();
    }).catch((cause: unknown) => {
      this.emit('error', [new ConcordError(ConcordErrorCode.PersistenceFailed, describeWriteFailure(cause), { cause })]);
    });
    return this.writing;
  }

  private scheduleIdleCompaction(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      for (const binding of this.bound.values()) if (binding.records > 1) void this.compact(binding.name);
    }, this.options.idleCompactionDelay);
  }

  /** @internal */
  get compactAfterRecords(): number {
    return this.options.compactAfterRecords;
  }

  private db(): Promise<IDBDatabase> {
    this.database ??= openDatabase(this.options.databaseName, 1, (db) => {
      const updates = db.createObjectStore(UPDATES, { autoIncrement: true });
      updates.createIndex(BY_DOC, 'doc');
      db.createObjectStore(META);
    });
    return this.database;
  }
}

class SingleDatabaseBinding implements PersistedDocument {
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.adapter.append({ doc: this.name, update });
  };

  /** Records stored for this document, as far as this tab knows. */
  records = 0;

  constructor(
    readonly name: string,
    private readonly doc: Y.Doc,
    private readonly adapter: SingleDatabasePersistence,
    /** Every metadata entry of the document when it was prefetched with its list; null: read on demand. */
    private readonly meta: Map<string, Uint8Array> | null,
  ) {
    doc.on('update', this.onUpdate);
  }

  recordWritten(): void {
    if (++this.records >= this.adapter.compactAfterRecords) {
      this.records = 1;
      void this.adapter.compact(this.name);
    }
  }

  compacted(): void {
    this.records = 1;
  }

  getMeta(key: string): Promise<Uint8Array | undefined> {
    return this.meta ? Promise.resolve(this.meta.get(key)) : this.adapter.readMeta(this.name, key);
  }

  setMeta(key: string, value: Uint8Array): Promise<void> {
    this.meta?.set(key, value.slice());
    return this.adapter.writeMeta(this.name, key, value);
  }

  flush(): Promise<void> {
    return this.adapter.flushWrites();
  }

  unbind(): Promise<void> {
    this.doc.off('update', this.onUpdate);
    this.adapter.forget(this.name);
    return this.adapter.flushWrites().catch(() => undefined);
  }
}

function describeWriteFailure(cause: unknown): string {
  const name = cause instanceof DOMException || cause instanceof Error ? cause.name : '';
  return name === 'QuotaExceededError'
    ? 'local storage is full: recent changes are kept in memory and will be saved when space is freed'
    : 'could not save changes locally: they are kept in memory and retried';
}
