import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import { openDatabase, requestResult, transactionDone } from './idb-requests.js';
import { decodeListSnapshot, encodeListSnapshot, type EncodedListSnapshot, type SnapshotEntry } from './list-snapshot.js';
import type {
  BindOptions,
  PersistedDocument,
  PersistenceAdapter,
  PersistenceEvents,
  PrefetchedDocument,
  PrefetchedList,
} from './persistence.js';

export interface SingleDatabasePersistenceOptions {
  /** The app's one IndexedDB database. */
  readonly databaseName?: string;
  /** Merge a document's records into one once it has this many. */
  readonly compactAfterRecords?: number;
  /** After this long without writes (ms), snapshot open lists that changed and merge other documents' records. */
  readonly idleCompactionDelay?: number;
  /** When idle, snapshot an open list once this many records and metadata entries were stored since its last snapshot (closing a list snapshots it after any). */
  readonly snapshotAfterChanges?: number;
}

export const SINGLE_DATABASE_PERSISTENCE_DEFAULTS = {
  databaseName: 'concord',
  compactAfterRecords: 100,
  idleCompactionDelay: 2_000,
  snapshotAfterChanges: 20,
} as const satisfies Required<SingleDatabasePersistenceOptions>;

const UPDATES = 'updates';
const META = 'meta';
const SNAPSHOTS = 'snapshots';
const BY_DOC = 'by-doc';
/** Version 2 added `snapshots`; a version-1 database is upgraded in place (its records stay valid). */
const SCHEMA_VERSION = 2;

/** What one prefetch read of a list, served to binds until released (a document's parts are put together when bound). */
interface PrefetchedScope {
  readonly snapshot: ReadonlyMap<string, SnapshotEntry>;
  readonly records: Map<string, Uint8Array[]>;
  readonly meta: Map<string, Map<string, Uint8Array>>;
}

const NO_ENTRIES: ReadonlyMap<string, SnapshotEntry> = new Map();

interface UpdateRecord {
  readonly doc: string;
  readonly update: Uint8Array;
}

/** `writer` names the tab and write that produced the snapshot: a tab whose documents already hold it skips re-applying it. */
interface SnapshotRecord extends EncodedListSnapshot {
  readonly writer: string;
}

const listOf = (name: string): string => {
  const slash = name.indexOf('/');
  return slash < 0 ? name : name.slice(0, slash);
};
const listRange = (listId: string) => IDBKeyRange.bound(listId, `${listId}/\uffff`);
const metaRange = (listId: string) => IDBKeyRange.bound([listId], [`${listId}/\uffff`, []]);
const inList = (listId: string, doc: string) => doc === listId || doc.startsWith(`${listId}/`);

/**
 * Every document of the app in ONE IndexedDB database: an `updates` store of {doc, update} records under
 * auto-increment keys (unique across tabs, which share the database) with an index by document, a `meta` store, and a
 * `snapshots` store with one record per list.
 *
 * Local edits of one turn are written in one transaction. When the app is idle (and when a list closes), an open list
 * that changed is merged into ONE snapshot record: every document's state, metadata and view (a task's fields), written
 * in the same transaction that deletes the records and metadata it replaces, so a crash mid-merge leaves either the old
 * records or the snapshot. A list then opens with one read of one value, and can show its tasks from their views before
 * applying any task document (thousands of small records cost far more to read than one large one).
 * Documents outside open lists are merged into one record each when they have many records or the app is idle.
 */
export class SingleDatabasePersistence extends ObservableV2<PersistenceEvents> implements PersistenceAdapter {
  readonly kind = 'indexeddb-single';
  private readonly options: Required<SingleDatabasePersistenceOptions>;
  private database: Promise<IDBDatabase> | null = null;
  private readonly bound = new Map<string, SingleDatabaseBinding>();
  private readonly prefetched = new Map<string, PrefetchedScope>();
  /** Lists prefetched here, whose documents this tab snapshots; with the writer of the snapshot their documents hold. */
  private readonly snapshotted = new Map<string, string | null>();
  /** Snapshotted lists with records or metadata stored since their last snapshot: how many. */
  private readonly dirtyLists = new Map<string, number>();
  /** Lists whose snapshot could not be read: never overwritten, so whatever it holds can still be recovered. */
  private readonly unreadable = new Set<string>();
  private readonly tabId = Math.random().toString(36).slice(2);
  private snapshotsWritten = 0;
  /** Keys of the records this tab wrote or read, with their document: their updates are in its documents already. */
  private readonly ownKeys = new Map<IDBValidKey, string>();
  private queue: UpdateRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private writeQueued = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: SingleDatabasePersistenceOptions = {}) {
    super();
    this.options = { ...SINGLE_DATABASE_PERSISTENCE_DEFAULTS, ...options };
    if (this.options.compactAfterRecords < 2) throw new TypeError('compactAfterRecords must be at least 2');
    if (!(this.options.snapshotAfterChanges >= 1)) throw new TypeError('snapshotAfterChanges must be at least 1');
    if (typeof indexedDB === 'undefined') {
      throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'IndexedDB is not available in this environment');
    }
  }

  /**
   * Reads the list's snapshot and every record and metadata entry stored since (`listId` and `listId/…`) in one
   * transaction, so binding its documents until `release()` costs no further reads. Only while the caller loads the
   * list: a task another tab creates later is read from the database when bound, not taken as empty.
   */
  async prefetch(listId: string): Promise<PrefetchedList> {
    const db = await this.db();
    const transaction = db.transaction([SNAPSHOTS, UPDATES, META], 'readonly');
    const [snapshot, keys, records, metaKeys, metaValues] = await Promise.all([
      requestResult(transaction.objectStore(SNAPSHOTS).get(listId)) as Promise<SnapshotRecord | undefined>,
      requestResult(transaction.objectStore(UPDATES).index(BY_DOC).getAllKeys(listRange(listId))),
      requestResult(transaction.objectStore(UPDATES).index(BY_DOC).getAll(listRange(listId))) as Promise<UpdateRecord[]>,
      requestResult(transaction.objectStore(META).getAllKeys(metaRange(listId))),
      requestResult(transaction.objectStore(META).getAll(metaRange(listId))) as Promise<unknown[]>,
    ]);
    const entries = this.readSnapshot(listId, snapshot) ?? NO_ENTRIES;
    const scope: PrefetchedScope = { snapshot: entries, records: new Map(), meta: new Map() };
    const documents = new Map<string, PrefetchedDocument>();
    for (const [name, entry] of entries) documents.set(name, entry.view === undefined ? {} : { view: entry.view });
    keys.forEach((key, i) => this.ownKeys.set(key, records[i]?.doc ?? ''));
    for (const record of records) {
      if (!inList(listId, record.doc)) continue;
      let updates = scope.records.get(record.doc);
      if (!updates) scope.records.set(record.doc, (updates = []));
      updates.push(record.update);
      // The snapshot's view no longer describes this document.
      documents.set(record.doc, {});
    }
    metaKeys.forEach((key, i) => {
      const [doc, name] = key as [string, string];
      const value = metaValues[i];
      if (!inList(listId, doc) || !(value instanceof Uint8Array)) return;
      let meta = scope.meta.get(doc);
      if (!meta) scope.meta.set(doc, (meta = new Map<string, Uint8Array>()));
      meta.set(name, value);
    });
    this.prefetched.set(listId, scope);
    this.snapshotted.set(listId, snapshot?.writer ?? null);
    this.markDirty(listId, records.length + metaKeys.length);
    return {
      documents,
      release: () => {
        if (this.prefetched.get(listId) !== scope) return;
        this.prefetched.delete(listId);
        if (this.dirtyLists.has(listId)) this.scheduleIdleCompaction();
      },
    };
  }

  bind(name: string, doc: Y.Doc, options: BindOptions = {}): Promise<PersistedDocument> {
    const scope = this.prefetched.get(listOf(name));
    const stored = scope?.snapshot.get(name);
    const known = scope !== undefined && (stored !== undefined || scope.records.has(name) || scope.meta.has(name));
    const meta = known ? new Map([...(stored?.meta ?? []), ...(scope.meta.get(name) ?? [])]) : null;
    const binding = new SingleDatabaseBinding(name, doc, this, meta, options.view);
    this.bound.set(name, binding);
    // What the document held before binding is not in any update we will see: store it as one record.
    if (doc.store.clients.size > 0) this.append({ doc: name, update: Y.encodeStateAsUpdate(doc) });
    if (known) {
      // Applied before listening, in the same turn (no edit can come between): Yjs then need not encode the stored
      // state back into an update event, which is most of the cost of opening a large document.
      try {
        this.apply(binding, [...(stored ? [stored.update] : []), ...(scope.records.get(name) ?? [])]);
      } catch (cause) {
        this.forget(name);
        return Promise.reject(new ConcordError(ConcordErrorCode.PersistenceFailed, `could not apply ${name} from local storage`, { cause }));
      }
      binding.listen();
      return Promise.resolve(binding);
    }
    // Listen before any await: an edit made right after bind() (a task created in the same turn) must be stored too.
    binding.listen();
    return this.readDocument(name).then(
      (updates) => {
        this.apply(binding, updates);
        return binding;
      },
      async (cause: unknown) => {
        await binding.unbind();
        throw new ConcordError(ConcordErrorCode.PersistenceFailed, `could not read ${name} from local storage`, { cause });
      },
    );
  }

  private apply(binding: SingleDatabaseBinding, updates: readonly Uint8Array[]): void {
    binding.records += updates.length;
    Y.transact(binding.doc, () => updates.forEach((update) => Y.applyUpdate(binding.doc, update)), binding, false);
    binding.loaded = true;
    // A document read back as several records is merged when the app is idle, so the next open reads one.
    if (updates.length > 1) this.scheduleIdleCompaction();
  }

  /** A document's entry in its list's snapshot (if any) and its records, read in one transaction. */
  private async readDocument(name: string): Promise<Uint8Array[]> {
    const db = await this.db();
    const transaction = db.transaction([SNAPSHOTS, UPDATES], 'readonly');
    const index = transaction.objectStore(UPDATES).index(BY_DOC);
    const [snapshot, keys, records] = await Promise.all([
      requestResult(transaction.objectStore(SNAPSHOTS).get(listOf(name))) as Promise<SnapshotRecord | undefined>,
      requestResult(index.getAllKeys(IDBKeyRange.only(name))),
      requestResult(index.getAll(IDBKeyRange.only(name))) as Promise<UpdateRecord[]>,
    ]);
    for (const key of keys) this.ownKeys.set(key, name);
    const entry = this.readSnapshot(listOf(name), snapshot)?.get(name);
    return [...(entry ? [entry.update] : []), ...records.map((record) => record.update)];
  }

  /** Decodes a list's snapshot record; an unreadable one is reported and kept aside (never overwritten). */
  private readSnapshot(listId: string, record: SnapshotRecord | undefined): Map<string, SnapshotEntry> | null {
    if (record === undefined) return null;
    const entries = decodeListSnapshot(record);
    if (entries === null && !this.unreadable.has(listId)) {
      this.unreadable.add(listId);
      this.emit('error', [
        new ConcordError(
          ConcordErrorCode.PersistenceFailed,
          `the local snapshot of list ${listId} is unreadable: it is kept as it is, and the list's documents load without it`,
        ),
      ]);
    }
    return entries;
  }

  /** Resolves once every change queued so far is committed; one call covers every bound document. */
  flush(): Promise<void> {
    return this.flushWrites();
  }

  /** Deletes the document's records, metadata and snapshot entry, in one transaction. */
  clear(name: string): Promise<void> {
    const cleared = this.writing.then(async () => {
      const db = await this.db();
      const transaction = db.transaction([SNAPSHOTS, UPDATES, META], 'readwrite');
      const updates = transaction.objectStore(UPDATES);
      const snapshots = transaction.objectStore(SNAPSHOTS);
      const listId = listOf(name);
      const [keys, snapshot] = await Promise.all([
        requestResult(updates.index(BY_DOC).getAllKeys(IDBKeyRange.only(name))),
        requestResult(snapshots.get(listId)) as Promise<SnapshotRecord | undefined>,
      ]);
      for (const key of keys) updates.delete(key);
      transaction.objectStore(META).delete(IDBKeyRange.bound([name], [name, []]));
      const entries = this.readSnapshot(listId, snapshot);
      if (snapshot && entries?.delete(name)) {
        // Same writer: a tab whose documents held the old snapshot holds everything the new one does.
        snapshots.put({ ...encodeListSnapshot(entries), writer: snapshot.writer } satisfies SnapshotRecord, listId);
      }
      await transactionDone(transaction);
    });
    this.writing = cleared.catch(() => undefined);
    return cleared;
  }

  /**
   * Merges everything stored for an open list into one snapshot record, if anything was stored since the last one:
   * every document's state (the live documents' own encoding, which is compact) with its metadata and view. Records
   * and snapshots another tab wrote are applied to this tab's documents first, so the snapshot never drops them.
   */
  snapshotList(listId: string): Promise<void> {
    this.writing = this.writing.then(() => this.writeSnapshot(listId)).catch((cause: unknown) => {
      this.markDirty(listId, 1);
      this.emit('error', [new ConcordError(ConcordErrorCode.PersistenceFailed, describeWriteFailure(cause), { cause })]);
    });
    return this.writing;
  }

  private async writeSnapshot(listId: string): Promise<void> {
    if (!this.dirtyLists.has(listId) || this.unreadable.has(listId) || !this.snapshotted.has(listId)) return;
    this.dirtyLists.delete(listId);
    const db = await this.db();
    const transaction = db.transaction([SNAPSHOTS, UPDATES, META], 'readwrite');
    const updates = transaction.objectStore(UPDATES);
    const metaStore = transaction.objectStore(META);
    const snapshots = transaction.objectStore(SNAPSHOTS);
    const [previous, keys, metaKeys, metaValues] = await Promise.all([
      requestResult(snapshots.get(listId)) as Promise<SnapshotRecord | undefined>,
      requestResult(updates.index(BY_DOC).getAllKeys(listRange(listId))),
      requestResult(metaStore.getAllKeys(metaRange(listId))),
      requestResult(metaStore.getAll(metaRange(listId))) as Promise<unknown[]>,
    ]);
    // Records this tab wrote or read are in its documents already: only the others' are read (thousands of small
    // values cost far more to read than their keys).
    const heldHere = (key: IDBValidKey) => this.bound.get(this.ownKeys.get(key) ?? '')?.loaded === true;
    const unread = keys.filter((key) => !heldHere(key));
    const unreadRecords = (await Promise.all(unread.map((key) => requestResult(updates.get(key))))) as UpdateRecord[];
    const entries = previous === undefined ? new Map<string, SnapshotEntry>() : this.readSnapshot(listId, previous);
    if (entries === null) {
      transaction.abort();
      return;
    }
    const bound = [...this.bound.values()].filter((binding) => binding.loaded && inList(listId, binding.name));
    if (previous !== undefined && previous.writer !== this.snapshotted.get(listId)) {
      // Another tab's snapshot replaced records this tab never read: its documents may hold edits ours lack.
      for (const binding of bound) {
        const entry = entries.get(binding.name);
        if (entry) Y.applyUpdate(binding.doc, entry.update, binding);
      }
    }
    const loose = new Map<string, Uint8Array[]>();
    const merged: IDBValidKey[] = keys.filter((key) => heldHere(key) && inList(listId, this.ownKeys.get(key) ?? ''));
    unreadRecords.forEach((record, i) => {
      const key = unread[i];
      if (!inList(listId, record.doc) || key === undefined) return;
      const binding = this.bound.get(record.doc);
      if (binding?.loaded) Y.applyUpdate(binding.doc, record.update, binding);
      else {
        let list = loose.get(record.doc);
        if (!list) loose.set(record.doc, (list = []));
        list.push(record.update);
      }
      merged.push(key);
    });
    deleteKeys(updates, merged);
    for (const key of merged) this.ownKeys.delete(key);
    const metaByDoc = new Map<string, Map<string, Uint8Array>>();
    metaKeys.forEach((key, i) => {
      const [doc, name] = key as [string, string];
      const value = metaValues[i];
      if (!inList(listId, doc) || !(value instanceof Uint8Array)) return;
      let meta = metaByDoc.get(doc);
      if (!meta) metaByDoc.set(doc, (meta = new Map<string, Uint8Array>()));
      meta.set(name, value);
    });
    const metaOf = (doc: string) => new Map([...(entries.get(doc)?.meta ?? []), ...(metaByDoc.get(doc) ?? [])]);
    for (const binding of bound) {
      const view = binding.view?.();
      entries.set(binding.name, {
        update: Y.encodeStateAsUpdate(binding.doc),
        meta: metaOf(binding.name),
        ...(view !== undefined && { view }),
      });
    }
    for (const [doc, list] of loose) {
      const prior = entries.get(doc);
      entries.set(doc, { update: Y.mergeUpdates(prior ? [prior.update, ...list] : list), meta: metaOf(doc) });
    }
    // Metadata now held by an entry leaves the meta store; metadata of a document with no state stays there.
    for (const [doc, meta] of metaByDoc) {
      if (!entries.has(doc)) continue;
      for (const name of meta.keys()) metaStore.delete([doc, name]);
    }
    const writer = `${this.tabId}:${++this.snapshotsWritten}`;
    snapshots.put({ ...encodeListSnapshot(entries), writer } satisfies SnapshotRecord, listId);
    await transactionDone(transaction);
    this.snapshotted.set(listId, writer);
    for (const binding of bound) binding.compacted(0);
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
    const transaction = db.transaction([META, SNAPSHOTS], 'readonly');
    const [value, snapshot] = await Promise.all([
      requestResult(transaction.objectStore(META).get([name, key])) as Promise<unknown>,
      requestResult(transaction.objectStore(SNAPSHOTS).get(listOf(name))) as Promise<SnapshotRecord | undefined>,
    ]);
    if (value instanceof Uint8Array) return value;
    return this.readSnapshot(listOf(name), snapshot)?.get(name)?.meta.get(key)?.slice();
  }

  /** @internal */
  async writeMeta(name: string, key: string, value: Uint8Array): Promise<void> {
    const db = await this.db();
    const transaction = db.transaction(META, 'readwrite');
    transaction.objectStore(META).put(value.slice(), [name, key]);
    await transactionDone(transaction);
    this.markDirty(listOf(name), 1);
  }

  /** @internal */
  forget(name: string): void {
    this.bound.delete(name);
    if (this.snapshotted.delete(name)) this.dirtyLists.delete(name);
  }

  private markDirty(listId: string, changes: number): void {
    if (!this.snapshotted.has(listId) || changes === 0) return;
    this.dirtyLists.set(listId, (this.dirtyLists.get(listId) ?? 0) + changes);
    this.scheduleIdleCompaction();
  }

  private async writeQueuedRecords(): Promise<void> {
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    try {
      const db = await this.db();
      const transaction = db.transaction(UPDATES, 'readwrite');
      const store = transaction.objectStore(UPDATES);
      const added = records.map((record) => store.add(record));
      await transactionDone(transaction);
      added.forEach((request, i) => this.ownKeys.set(request.result, records[i]?.doc ?? ''));
    } catch (cause) {
      // Keep the records (they are also in memory and will reach the relay): the next write retries them.
      this.queue = [...records, ...this.queue];
      this.emit('error', [new ConcordError(ConcordErrorCode.PersistenceFailed, describeWriteFailure(cause), { cause })]);
      return;
    }
    for (const record of records) {
      this.bound.get(record.doc)?.recordWritten();
      this.markDirty(listOf(record.doc), 1);
    }
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
      const added = store.add({ doc: name, update: merged } satisfies UpdateRecord);
      await transactionDone(transaction);
      if (keys.every((key) => this.ownKeys.has(key))) this.ownKeys.set(added.result, name);
      for (const key of keys) this.ownKeys.delete(key);
      this.bound.get(name)?.compacted(1);
    }).catch((cause: unknown) => {
      this.emit('error', [new ConcordError(ConcordErrorCode.PersistenceFailed, describeWriteFailure(cause), { cause })]);
    });
    return this.writing;
  }

  private scheduleIdleCompaction(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      // A list still being opened is snapshotted once its documents are (see `release`).
      // A few records beside a snapshot cost an open little; rewriting a large list's snapshot after every edit would not.
      for (const [listId, changes] of this.dirtyLists) {
        if (changes >= this.options.snapshotAfterChanges && !this.prefetched.has(listId)) void this.snapshotList(listId);
      }
      for (const binding of this.bound.values()) {
        if (binding.records > 1 && !this.snapshotted.has(listOf(binding.name))) void this.compact(binding.name);
      }
    }, this.options.idleCompactionDelay);
  }

  /** @internal */
  get compactAfterRecords(): number {
    return this.options.compactAfterRecords;
  }

  private db(): Promise<IDBDatabase> {
    this.database ??= openDatabase(this.options.databaseName, SCHEMA_VERSION, (db) => {
      if (!db.objectStoreNames.contains(UPDATES)) db.createObjectStore(UPDATES, { autoIncrement: true }).createIndex(BY_DOC, 'doc');
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      if (!db.objectStoreNames.contains(SNAPSHOTS)) db.createObjectStore(SNAPSHOTS);
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
  /** Set once the stored state is in the document. */
  loaded = false;

  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    private readonly adapter: SingleDatabasePersistence,
    /** Every metadata entry of the document when it was prefetched with its list; null: read on demand. */
    private readonly meta: Map<string, Uint8Array> | null,
    readonly view: (() => unknown) | undefined,
  ) {}

  listen(): void {
    this.doc.on('update', this.onUpdate);
  }

  recordWritten(): void {
    if (++this.records >= this.adapter.compactAfterRecords) {
      this.records = 1;
      void this.adapter.compact(this.name);
    }
  }

  /** The document's records were merged into `records` records (a snapshot leaves none). */
  compacted(records: number): void {
    this.records = records;
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

/**
 * Deletes records by key, a run of consecutive auto-increment keys at a time: every integer of such a run is one of
 * `keys`, so no other record lies inside it, and one range delete costs IndexedDB far less than thousands of deletes.
 */
function deleteKeys(store: IDBObjectStore, keys: readonly IDBValidKey[]): void {
  const numbers = keys.filter((key): key is number => typeof key === 'number').sort((a, b) => a - b);
  for (const key of keys) if (typeof key !== 'number') store.delete(key);
  for (let start = 0; start < numbers.length; ) {
    let end = start;
    while (end + 1 < numbers.length && numbers[end + 1] === (numbers[end] as number) + 1) end++;
    store.delete(IDBKeyRange.bound(numbers[start], numbers[end]));
    start = end + 1;
  }
}
