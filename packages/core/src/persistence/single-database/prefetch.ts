import { requestResult } from '../idb-requests.js';
import type { SnapshotEntry } from '../list-snapshot.js';
import type { PrefetchedDocument, PrefetchedList } from '../persistence.js';
import type { SingleDatabaseContext } from './context.js';
import { BY_DOC, inList, listOf, listRange, META, metaByDocument, metaRange, SNAPSHOTS, UPDATES, type SnapshotRecord, type UpdateRecord } from './database.js';
import type { ListSnapshots } from './list-snapshots.js';
import { ReadAhead, readList } from './read-ahead.js';

/** What one prefetch read of a list, served to binds until released (a document's parts are put together when bound). */
interface PrefetchedScope {
  readonly snapshot: ReadonlyMap<string, SnapshotEntry>;
  readonly records: Map<string, Uint8Array[]>;
  readonly meta: Map<string, Map<string, Uint8Array>>;
}

/** What storage holds of one document, as a bind needs it. */
export interface StoredDocument {
  /** Its updates: the snapshot's entry first, then the records stored since. */
  readonly updates: Uint8Array[];
  /** Every metadata entry. */
  readonly meta: Map<string, Uint8Array>;
}

const NO_ENTRIES: ReadonlyMap<string, SnapshotEntry> = new Map();
/** Documents of one list read in one batch from which the whole list's records are read instead (see `readDocuments`). */
const WHOLE_LIST_READ = 16;

/**
 * Reads: a whole list ahead of binding its documents (one transaction, served to binds until released), and single
 * documents outside a prefetched list.
 */
export class Prefetcher {
  private readonly scopes = new Map<string, PrefetchedScope>();
  /** Prefetches under way, by list: a metadata read of the list meanwhile is served from them. */
  private readonly reading = new Map<string, Promise<PrefetchedList>>();

  constructor(
    private readonly context: SingleDatabaseContext,
    private readonly snapshots: ListSnapshots,
    /** A list's prefetch was released: its documents are all bound, so it may be snapshotted. */
    private readonly released: (listId: string) => void,
    /** A read of a list made before the adapter existed, used by that list's first prefetch. */
    private readonly readAhead: ReadAhead = new ReadAhead(undefined),
  ) {}

  isPrefetched(listId: string): boolean {
    return this.scopes.has(listId);
  }

  /**
   * Reads the list's snapshot and every record and metadata entry stored since (`listId` and `listId/…`) in one
   * transaction. Only while the caller loads the list: a task another tab creates later is read from the database when
   * bound, not taken as empty.
   */
  prefetch(listId: string): Promise<PrefetchedList> {
    const reading = this.readList(listId);
    this.reading.set(listId, reading);
    const done = () => {
      if (this.reading.get(listId) === reading) this.reading.delete(listId);
    };
    reading.then(done, done);
    return reading;
  }

  private async readList(listId: string): Promise<PrefetchedList> {
    const { snapshot, keys, records, metaKeys, metaValues } = (await this.readAhead.take(listId)) ?? (await readList(await this.context.db(), listId));
    const entries = this.snapshots.decode(listId, snapshot) ?? NO_ENTRIES;
    const scope: PrefetchedScope = { snapshot: entries, records: new Map(), meta: metaByDocument(listId, metaKeys, metaValues) };
    const documents = new Map<string, PrefetchedDocument>();
    for (const [name, entry] of entries) documents.set(name, entry.view === undefined ? {} : { view: entry.view });
    keys.forEach((key, i) => this.context.ownKeys.set(key, records[i]?.doc ?? ''));
    for (const record of records) {
      if (!inList(listId, record.doc)) continue;
      let updates = scope.records.get(record.doc);
      if (!updates) scope.records.set(record.doc, (updates = []));
      updates.push(record.update);
      // The snapshot's view no longer describes this document.
      documents.set(record.doc, {});
    }
    this.scopes.set(listId, scope);
    this.snapshots.opened(listId, snapshot, records.length + metaKeys.length);
    return {
      documents,
      release: () => {
        if (this.scopes.get(listId) !== scope) return;
        this.scopes.delete(listId);
        this.released(listId);
      },
    };
  }

  /** What a prefetch read of the document, or null when it was not read with its list (or the list is released). */
  prefetched(name: string): StoredDocument | null {
    const scope = this.scopes.get(listOf(name));
    if (!scope) return null;
    const stored = scope.snapshot.get(name);
    if (stored === undefined && !scope.records.has(name) && !scope.meta.has(name)) return null;
    return {
      updates: [...(stored ? [stored.update] : []), ...(scope.records.get(name) ?? [])],
      meta: new Map([...(stored?.meta ?? []), ...(scope.meta.get(name) ?? [])]),
    };
  }

  /**
   * A document's entry in its list's snapshot (if any), its records and its metadata. Every document asked for in one
   * turn is read in one transaction, each list's snapshot once: a list arriving from the relay binds its thousand
   * new tasks with one read, not a thousand.
   */
  read(name: string): Promise<StoredDocument> {
    return new Promise((resolve, reject) => {
      this.batch.push({ name, resolve, reject });
      if (this.batch.length === 1) queueMicrotask(() => void this.readBatch());
    });
  }

  private batch: Array<{ name: string; resolve: (stored: StoredDocument) => void; reject: (cause: unknown) => void }> = [];

  private async readBatch(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    try {
      const db = await this.context.db();
      const transaction = db.transaction([SNAPSHOTS, UPDATES, META], 'readonly');
      const byList = new Map<string, string[]>();
      for (const { name } of batch) {
        const listId = listOf(name);
        const names = byList.get(listId);
        if (names) names.push(name);
        else byList.set(listId, [name]);
      }
      const read = await Promise.all([...byList].map(([listId, names]) => this.readDocuments(transaction, listId, names)));
      const stored = new Map(read.flatMap((documents) => [...documents]));
      for (const { name, resolve } of batch) resolve(stored.get(name)!);
    } catch (cause) {
      for (const { reject } of batch) reject(cause);
    }
  }

  /**
   * Reads documents of one list: its snapshot's entries, and their records and metadata, four requests per document,
   * or, for many documents of the list at once (a list arriving from the relay binds its new tasks together), four
   * requests for the whole list. Each request is a round trip to the browser's storage process: in headless Chromium,
   * 4,000 requests for 1,000 new tasks took 300-360 ms, and the four range requests over the same list 2-22 ms.
   */
  private async readDocuments(transaction: IDBTransaction, listId: string, names: readonly string[]): Promise<Map<string, StoredDocument>> {
    const index = transaction.objectStore(UPDATES).index(BY_DOC);
    const meta = transaction.objectStore(META);
    const snapshotRead = requestResult(transaction.objectStore(SNAPSHOTS).get(listId)) as Promise<SnapshotRecord | undefined>;
    const records = new Map<string, { keys: IDBValidKey[]; updates: Uint8Array[] }>(names.map((name) => [name, { keys: [], updates: [] }]));
    let metaByDoc: Map<string, Map<string, Uint8Array>>;
    if (names.length >= WHOLE_LIST_READ) {
      const [keys, values, metaKeys, metaValues] = await Promise.all([
        requestResult(index.getAllKeys(listRange(listId))),
        requestResult(index.getAll(listRange(listId))) as Promise<UpdateRecord[]>,
        requestResult(meta.getAllKeys(metaRange(listId))),
        requestResult(meta.getAll(metaRange(listId))) as Promise<unknown[]>,
      ]);
      values.forEach((record, i) => {
        const entry = records.get(record.doc);
        entry?.keys.push(keys[i]!);
        entry?.updates.push(record.update);
      });
      metaByDoc = metaByDocument(listId, metaKeys, metaValues);
    } else {
      metaByDoc = new Map();
      await Promise.all(
        names.map(async (name) => {
          const [keys, values, metaKeys, metaValues] = await Promise.all([
            requestResult(index.getAllKeys(IDBKeyRange.only(name))),
            requestResult(index.getAll(IDBKeyRange.only(name))) as Promise<UpdateRecord[]>,
            requestResult(meta.getAllKeys(IDBKeyRange.bound([name], [name, []]))),
            requestResult(meta.getAll(IDBKeyRange.bound([name], [name, []]))) as Promise<unknown[]>,
          ]);
          records.set(name, { keys, updates: values.map((record) => record.update) });
          const entries = metaByDocument(listId, metaKeys, metaValues).get(name);
          if (entries) metaByDoc.set(name, entries);
        }),
      );
    }
    const snapshot = this.snapshots.decode(listId, await snapshotRead);
    const stored = new Map<string, StoredDocument>();
    for (const name of names) {
      const { keys, updates } = records.get(name)!;
      for (const key of keys) this.context.ownKeys.set(key, name);
      const entry = snapshot?.get(name);
      stored.set(name, {
        updates: [...(entry ? [entry.update] : []), ...updates],
        meta: new Map([...(entry?.meta ?? []), ...(metaByDoc.get(name) ?? [])]),
      });
    }
    return stored;
  }

  /** One metadata entry: the `meta` store's value, else the one in the list's snapshot. */
  async readMeta(name: string, key: string): Promise<Uint8Array | undefined> {
    // Read while the list is being prefetched (its undo history is read as it opens): the prefetch reads every entry
    // of the list's metadata and its snapshot, so a second read of that snapshot (one large value) is not needed.
    const reading = this.reading.get(listOf(name));
    if (reading && (await reading.then(() => true, () => false)) && this.scopes.has(listOf(name))) {
      return this.prefetched(name)?.meta.get(key)?.slice();
    }
    const db = await this.context.db();
    const transaction = db.transaction([META, SNAPSHOTS], 'readonly');
    const [value, snapshot] = await Promise.all([
      requestResult(transaction.objectStore(META).get([name, key])) as Promise<unknown>,
      requestResult(transaction.objectStore(SNAPSHOTS).get(listOf(name))) as Promise<SnapshotRecord | undefined>,
    ]);
    if (value instanceof Uint8Array) return value;
    return this.snapshots.decode(listOf(name), snapshot)?.get(name)?.meta.get(key)?.slice();
  }
}
