import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import { requestResult, transactionDone } from './idb-requests.js';
import type { BindOptions, PersistedDocument, PersistenceAdapter, PersistenceEvents, PrefetchedList } from './persistence.js';
import { SingleDatabaseBinding, type BindingHost } from './single-database/binding.js';
import { compactDocument } from './single-database/compaction.js';
import type { SingleDatabaseContext } from './single-database/context.js';
import { BY_DOC, listOf, META, openOrAdopt, SNAPSHOTS, UPDATES, WriteChain } from './single-database/database.js';
import { IdleScheduler } from './single-database/idle-scheduler.js';
import { ListSnapshots } from './single-database/list-snapshots.js';
import { Prefetcher } from './single-database/prefetch.js';
import { ReadAhead, type ListReadAheadSource } from './single-database/read-ahead.js';
import { WriteQueue } from './single-database/write-queue.js';

/** Options of `SingleDatabasePersistence` (every document in one IndexedDB database). */
export interface SingleDatabasePersistenceOptions {
  /** The app's one IndexedDB database. */
  readonly databaseName?: string;
  /**
   * A connection to the database opened ahead, e.g. by a small inline script while the app's code is still loading
   * (opening IndexedDB takes 90-110 ms after a browser restart in headless Chromium). Used when it is at the current
   * schema version, closed otherwise; null (or a rejection) means "open it here".
   */
  readonly opening?: PromiseLike<IDBDatabase | null>;
  /**
   * A read of one list made ahead, e.g. by the same inline script once its connection is open (reading a list after a
   * browser restart waits on the browser's storage process): the first `prefetch` of that list uses it instead of
   * reading again. What it resolves to is checked; null, a rejection or another shape means "read it here".
   */
  readonly readAhead?: ListReadAheadSource;
  /** Merge a document's records into one once it has this many. */
  readonly compactAfterRecords?: number;
  /** After this long without writes (ms), snapshot open lists that changed and merge other documents' records. */
  readonly idleCompactionDelay?: number;
  /** When idle, snapshot an open list once this many records and metadata entries were stored since its last snapshot (closing a list snapshots it after any). */
  readonly snapshotAfterChanges?: number;
}

/** The defaults of `SingleDatabasePersistenceOptions`. */
export const SINGLE_DATABASE_PERSISTENCE_DEFAULTS = {
  databaseName: 'concord',
  compactAfterRecords: 100,
  idleCompactionDelay: 2_000,
  snapshotAfterChanges: 20,
} as const satisfies Required<Omit<SingleDatabasePersistenceOptions, 'opening' | 'readAhead'>>;

/**
 * Every document of the app in ONE IndexedDB database (layout: `single-database/database.ts`).
 *
 * Local edits of one turn are written in one transaction (`write-queue.ts`). When the app is idle (`idle-scheduler.ts`)
 * and when a list closes, an open list that changed is merged into ONE snapshot record (`list-snapshots.ts`), so a list
 * opens with one read of one value (`prefetch.ts`) and can show its tasks from their views before applying any task
 * document (thousands of small records cost far more to read than one large one). Documents outside open lists are
 * merged into one record each when they have many records or the app is idle (`compaction.ts`).
 */
export class SingleDatabasePersistence extends ObservableV2<PersistenceEvents> implements PersistenceAdapter {
  readonly kind = 'indexeddb-single';
  readonly #options: Required<Omit<SingleDatabasePersistenceOptions, 'opening' | 'readAhead'>>;
  readonly #opening: PromiseLike<IDBDatabase | null> | undefined;
  #database: Promise<IDBDatabase> | null = null;
  readonly #context: SingleDatabaseContext;
  readonly #writes: WriteQueue;
  readonly #snapshots: ListSnapshots;
  readonly #reads: Prefetcher;
  readonly #idle: IdleScheduler;
  readonly #host: BindingHost;

  constructor(options: SingleDatabasePersistenceOptions = {}) {
    super();
    const { opening, readAhead, ...rest } = options;
    this.#options = { ...SINGLE_DATABASE_PERSISTENCE_DEFAULTS, ...rest };
    this.#opening = opening;
    if (this.#options.compactAfterRecords < 2) throw new TypeError('compactAfterRecords must be at least 2');
    if (!(this.#options.snapshotAfterChanges >= 1)) throw new TypeError('snapshotAfterChanges must be at least 1');
    if (typeof indexedDB === 'undefined') {
      throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'IndexedDB is not available in this environment');
    }
    this.#context = {
      db: () => (this.#database ??= openOrAdopt(this.#options.databaseName, this.#opening)),
      writes: new WriteChain(),
      bound: new Map(),
      ownKeys: new Map(),
      reportError: (message, cause) => this.emit('error', [new ConcordError(ConcordErrorCode.PersistenceFailed, message, { cause })]),
    };
    this.#idle = new IdleScheduler(this.#options.idleCompactionDelay, () => this.#whenIdle());
    this.#snapshots = new ListSnapshots(this.#context, () => this.#idle.schedule());
    this.#reads = new Prefetcher(
      this.#context,
      this.#snapshots,
      (listId) => {
        if (this.#snapshots.dirtyLists().includes(listId)) this.#idle.schedule();
      },
      new ReadAhead(readAhead),
    );
    this.#writes = new WriteQueue(this.#context, (records) => {
      for (const record of records) {
        this.#context.bound.get(record.doc)?.recordWritten();
        this.#snapshots.markDirty(listOf(record.doc), 1);
      }
      this.#idle.schedule();
    }, (names) => {
      for (const name of names) this.#snapshots.markDirty(listOf(name), 1);
    });
    this.#host = {
      append: (record) => this.#writes.append(record),
      flushWrites: () => this.#writes.flush(),
      readMeta: (name, key) => this.#reads.readMeta(name, key),
      writeMeta: (name, key, value) => this.#writes.putMeta(name, key, value.slice()),
      compact: (name) => compactDocument(this.#context, name),
      forget: (name) => {
        this.#context.bound.delete(name);
        this.#snapshots.forget(name);
      },
      compactAfterRecords: this.#options.compactAfterRecords,
    };
  }

  /**
   * Reads the list's snapshot and everything stored since in one transaction, so binding its documents until
   * `release()` applies their stored state before `bind` returns.
   */
  prefetch(listId: string): Promise<PrefetchedList> {
    return this.#reads.prefetch(listId);
  }

  bind(name: string, doc: Y.Doc, options: BindOptions = {}): Promise<PersistedDocument> {
    const stored = this.#reads.prefetched(name);
    const binding = new SingleDatabaseBinding(name, doc, this.#host, stored?.meta ?? null, options.view);
    this.#context.bound.set(name, binding);
    // What the document held before binding is not in any update we will see: store it as one record.
    if (doc.store.clients.size > 0) this.#writes.append({ doc: name, update: Y.encodeStateAsUpdate(doc) });
    if (stored) {
      // Applied before listening, in the same turn (no edit can come between): Yjs then need not encode the stored
      // state back into an update event, which is most of the cost of opening a large document.
      try {
        this.#apply(binding, stored.updates);
      } catch (cause) {
        this.#host.forget(name);
        return Promise.reject(new ConcordError(ConcordErrorCode.PersistenceFailed, `could not apply ${name} from local storage`, { cause }));
      }
      binding.listen();
      return Promise.resolve(binding);
    }
    // Listen before any await: an edit made right after bind() (a task created in the same turn) must be stored too.
    binding.listen();
    return this.#reads.read(name).then(
      (stored) => {
        binding.storedMeta(stored.meta);
        this.#apply(binding, stored.updates);
        return binding;
      },
      async (cause: unknown) => {
        await binding.unbind();
        throw new ConcordError(ConcordErrorCode.PersistenceFailed, `could not read ${name} from local storage`, { cause });
      },
    );
  }

  #apply(binding: SingleDatabaseBinding, updates: readonly Uint8Array[]): void {
    binding.records += updates.length;
    Y.transact(binding.doc, () => updates.forEach((update) => Y.applyUpdate(binding.doc, update)), binding, false);
    binding.loaded = true;
    // A document read back as several records is merged when the app is idle, so the next open reads one.
    if (updates.length > 1) this.#idle.schedule();
  }

  /** Resolves once every change queued so far is committed; one call covers every bound document. */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  /** One metadata entry of a document, bound or not: as its binding's `getMeta` reads it. */
  readMeta(name: string, key: string): Promise<Uint8Array | undefined> {
    return this.#reads.readMeta(name, key);
  }

  /** Stores one metadata entry of a document, bound or not, in the order of every other write. */
  writeMeta(name: string, key: string, value: Uint8Array): Promise<void> {
    return this.#writes.putMeta(name, key, value.slice());
  }

  /** Deletes the document's records, metadata and snapshot entry, in one transaction. */
  clear(name: string): Promise<void> {
    return this.#context.writes.run(async () => {
      const db = await this.#context.db();
      const transaction = db.transaction([SNAPSHOTS, UPDATES, META], 'readwrite');
      const updates = transaction.objectStore(UPDATES);
      const [keys] = await Promise.all([
        requestResult(updates.index(BY_DOC).getAllKeys(IDBKeyRange.only(name))),
        this.#snapshots.removeDocument(transaction, listOf(name), name),
      ]);
      for (const key of keys) updates.delete(key);
      transaction.objectStore(META).delete(IDBKeyRange.bound([name], [name, []]));
      await transactionDone(transaction);
    });
  }

  /**
   * Merges everything stored for an open list into one snapshot record, if anything was stored since the last one:
   * every document's state (the live documents' own encoding, which is compact) with its metadata and view.
   */
  snapshotList(listId: string): Promise<void> {
    return this.#snapshots.write(listId);
  }

  async close(): Promise<void> {
    this.#idle.cancel();
    await Promise.all([...this.#context.bound.values()].map((binding) => binding.unbind()));
    await this.#context.writes.settled;
    if (this.#database) (await this.#database).close();
    this.#database = null;
    this.destroy();
  }

  /** Snapshots changed lists no longer being opened, and merges the records of documents outside them. */
  #whenIdle(): void {
    // A few records beside a snapshot cost an open little; rewriting a large list's snapshot after every edit would not.
    for (const listId of this.#snapshots.dirtyLists(this.#options.snapshotAfterChanges)) {
      if (!this.#reads.isPrefetched(listId)) void this.snapshotList(listId);
    }
    for (const binding of this.#context.bound.values()) {
      if (binding.records > 1 && !this.#snapshots.has(listOf(binding.name))) void compactDocument(this.#context, binding.name);
    }
  }
}
