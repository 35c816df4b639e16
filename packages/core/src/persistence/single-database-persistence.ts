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
  private readonly prefetched = new Map<string, Uint8Array[]>();
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
   * Reads every record of `listId` and its tasks (`listId/…`) in one request, so binding them afterwards costs no
   * further reads.
   */
  async prefetch(listId: string): Promise<void> {
    const db = await this.db();
    const index = db.transaction(UPDATES, 'readonly').objectStore(UPDATES).index(BY_DOC);
    const prefix = `${listId}/`;
    const records = (await requestResult(index.getAll(IDBKeyRange.bound(listId, `${prefix}\uffff`)))) as UpdateRecord[];
    for (const record of records) {
      if (record.doc !== listId && !record.doc.startsWith(prefix)) continue;
      let updates = this.prefetched.get(record.doc);
      if (!updates) this.prefetched.set(record.doc, (updates = []));
      updates.push(record.update);
    }
  }

  async bind(name: string, doc: Y.Doc): Promise<PersistedDocument> {
    let updates = this.prefetched.get(name);
    this.prefetched.delete(name);
    if (!updates) {
      const db = await this.db();
      const index = db.transaction(UPDATES, 'readonly').objectStore(UPDATES).index(BY_DOC);
      updates = ((await requestResult(index.getAll(IDBKeyRange.only(name)))) as UpdateRecord[]).map((record) => record.update);
    }
    const binding = new SingleDatabaseBinding(name, doc, this, updates.length);
    Y.transact(doc, () => updates.forEach((update) => Y.applyUpdate(doc, update)), binding, false);
    this.bound.set(name, binding);
    return binding;
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

  constructor(
    readonly name: string,
    private readonly doc: Y.Doc,
    private readonly adapter: SingleDatabasePersistence,
    /** Records stored for this document, as far as this tab knows. */
    public records: number,
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
    return this.adapter.readMeta(this.name, key);
  }

  setMeta(key: string, value: Uint8Array): Promise<void> {
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
