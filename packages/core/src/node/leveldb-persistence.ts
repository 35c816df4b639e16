import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import type { PersistedDocument, PersistenceAdapter, PersistenceEvents, PrefetchedList } from '../persistence/persistence.js';
import { closeDb, getValue, readRange, writeBatch, type BatchOperation, type LevelDown } from './level-calls.js';
import { asConcordError, openDatabase, type Opened } from './leveldb-open.js';
import { COUNTER_KEY, encodeSeq, metaKey, metaPrefix, prefixRange, updateKey, updatePrefix } from './leveldb-keys.js';

/** Options of `LevelDbPersistence`. */
export interface LevelDbPersistenceOptions {
  /** The database's directory (created if missing). LevelDB lets one process at a time hold it. */
  readonly directory: string;
  /**
   * Whether each write is fsynced before it is acknowledged (`flush` resolves). Without it a write survives the process
   * being killed (it is in the operating system's cache); with it, also a power loss or a crash of the machine.
   */
  readonly sync?: boolean;
  /** Merge a bound document's records into one once it has this many (a document opened with several is merged at once). */
  readonly compactAfterRecords?: number;
}

/** The defaults of `LevelDbPersistenceOptions`. */
export const LEVELDB_PERSISTENCE_DEFAULTS = {
  sync: false,
  compactAfterRecords: 100,
} as const satisfies Required<Omit<LevelDbPersistenceOptions, 'directory'>>;

/**
 * Durable local storage for Node processes (a bot, a CLI, an Electron main process, an import job): every document in
 * one LevelDB directory, through `leveldown` (an optional peer dependency of `@concord/core`: install it beside).
 *
 * Each stored update is one record under a unique sequence number; the updates made in one turn are written in one
 * atomic batch. A document's records are merged into one when it is opened with several and once it has
 * `compactAfterRecords`, in one batch that deletes what it replaces. Every read and write goes through one queue, so
 * they happen in the order they were asked for. The directory is locked while open: a second process (or a second
 * adapter in this one) gets a `ConcordError` with code `ERR_STORAGE_LOCKED`.
 */
export class LevelDbPersistence extends ObservableV2<PersistenceEvents> implements PersistenceAdapter {
  readonly kind = 'leveldb';
  readonly directory: string;
  /**
   * Resolves once the database is open; rejects with a `ConcordError`: `ERR_STORAGE_LOCKED` when another process holds
   * the directory, `ERR_PERSISTENCE_FAILED` otherwise. Every operation waits for it (and fails with it) on its own.
   */
  readonly ready: Promise<void>;
  private readonly options: Required<Omit<LevelDbPersistenceOptions, 'directory'>>;
  private readonly opened: Promise<Opened>;
  private lastSeq = 0;
  private readonly bound = new Set<LevelDbBinding>();
  private queue: { readonly binding: LevelDbBinding; readonly update: Uint8Array }[] = [];
  private writeQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  /** Opens the database and resolves once it is open (or rejects, as `ready` does). */
  static async open(options: LevelDbPersistenceOptions): Promise<LevelDbPersistence> {
    const persistence = new LevelDbPersistence(options);
    await persistence.ready;
    return persistence;
  }

  /** Starts opening the database at once (see `ready`). */
  constructor(options: LevelDbPersistenceOptions) {
    super();
    if (typeof options?.directory !== 'string' || options.directory === '') throw new TypeError('directory must be a non-empty path');
    this.directory = options.directory;
    this.options = { ...LEVELDB_PERSISTENCE_DEFAULTS, ...withoutUndefined(options) };
    if (!(this.options.compactAfterRecords >= 2)) throw new TypeError('compactAfterRecords must be at least 2');
    this.opened = openDatabase(this.directory);
    this.ready = this.opened.then((opened) => void (this.lastSeq = opened.lastSeq));
    // A caller that never awaits `ready` learns of a failure from the operation that needed the database.
    this.ready.catch(() => undefined);
  }

  bind(name: string, doc: Y.Doc): Promise<PersistedDocument> {
    if (this.closed) return Promise.reject(new ConcordError(ConcordErrorCode.PersistenceFailed, 'this LevelDbPersistence is closed'));
    const binding = new LevelDbBinding(name, doc, this);
    this.bound.add(binding);
    // What the document held before binding is in no update we will see: store it as one record.
    if (doc.store.clients.size > 0) this.append(binding, Y.encodeStateAsUpdate(doc));
    // Listen before any await: an edit made right after bind() (a task created in the same turn) must be stored too.
    binding.listen();
    return this.run(async (db) => {
      const entries = await readRange(db, prefixRange(updatePrefix(name)));
      binding.load(entries.map((entry) => entry.key), entries.map((entry) => entry.value));
      if (entries.length > 1) void this.compact(binding);
      return binding;
    }).catch(async (cause: unknown) => {
      await binding.unbind();
      throw asConcordError(cause, `could not read ${name} from ${this.directory}`);
    });
  }

  /**
   * Names no document: a list is not read ahead (each bind is one range read, served in order with every other
   * operation). A Node process opens a list once, not on every page load.
   */
  prefetch(_listId: string): Promise<PrefetchedList> {
    return Promise.resolve({ documents: new Map(), release: () => undefined });
  }

  /** There is no list snapshot: each document's records are merged on their own (see `compactAfterRecords`). */
  snapshotList(_listId: string): Promise<void> {
    return Promise.resolve();
  }

  /** Resolves once every update of every bound document made so far is stored (a failed write is retried now). */
  async flush(): Promise<void> {
    // Updates of this turn are queued by a microtask (see `append`): let it run first.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await this.run((db) => this.writeQueuedUpdates(db));
    if (this.queue.length > 0) throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'local changes are not stored yet');
  }

  /** Deletes the document's records and metadata in one batch. */
  clear(name: string): Promise<void> {
    return this.run(async (db) => {
      const [updates, meta] = await Promise.all([
        readRange(db, prefixRange(updatePrefix(name))),
        readRange(db, prefixRange(metaPrefix(name))),
      ]);
      await writeBatch(db, [...updates, ...meta].map(({ key }) => ({ type: 'del', key })), this.options.sync);
    }).catch((cause: unknown) => {
      throw asConcordError(cause, `could not clear ${name} in ${this.directory}`);
    });
  }

  /** Stores what is pending, unbinds every document and releases the directory (another process may then open it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.bound].map((binding) => binding.unbind()));
    await this.chain;
    const opened = await this.opened.catch(() => null);
    if (opened) await closeDb(opened.db);
    this.destroy();
  }

  /** @internal Queues an update; every update queued in one turn is written in one batch. */
  /** @internal */
  append(binding: LevelDbBinding, update: Uint8Array): void {
    this.queue.push({ binding, update });
    if (this.writeQueued) return;
    this.writeQueued = true;
    queueMicrotask(() => {
      this.writeQueued = false;
      this.run((db) => this.writeQueuedUpdates(db)).catch(() => undefined);
    });
  }

  /** @internal */
  forget(binding: LevelDbBinding): void {
    this.bound.delete(binding);
  }

  /** One metadata entry of a document, bound or not. */
  readMeta(name: string, key: string): Promise<Uint8Array | undefined> {
    return this.run(async (db) => {
      const value = await getValue(db, metaKey(name, key));
      return value && new Uint8Array(value);
    });
  }

  /** Stores one metadata entry of a document, bound or not. */
  writeMeta(name: string, key: string, value: Uint8Array): Promise<void> {
    const copy = Buffer.from(value);
    return this.run((db) => writeBatch(db, [{ type: 'put', key: metaKey(name, key), value: copy }], this.options.sync));
  }

  /** @internal Replaces a bound document's records with one record of its state, in one batch. */
  compact(binding: LevelDbBinding): Promise<void> {
    return this.run(async (db) => {
      // Once unbound, the document may hold edits that must not be stored.
      if (!binding.loaded || !this.bound.has(binding) || binding.keys.length < 2) return;
      const key = updateKey(binding.name, this.lastSeq + 1);
      const operations: BatchOperation[] = binding.keys.map((old) => ({ type: 'del', key: old }));
      operations.push({ type: 'put', key, value: Buffer.from(Y.encodeStateAsUpdate(binding.doc)) });
      operations.push({ type: 'put', key: COUNTER_KEY, value: encodeSeq(this.lastSeq + 1) });
      await writeBatch(db, operations, this.options.sync);
      this.lastSeq += 1;
      binding.keys = [key];
    }).catch((cause: unknown) => {
      this.emit('error', [asConcordError(cause, `could not merge the records of ${binding.name}`)]);
    });
  }

  /** @internal */
  get compactAfterRecords(): number {
    return this.options.compactAfterRecords;
  }

  /** Runs `operation` once the database is open and every operation asked for before has finished. */
  private run<T>(operation: (db: LevelDown) => Promise<T>): Promise<T> {
    const result = this.chain.then(async () => operation((await this.opened).db));
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async writeQueuedUpdates(db: LevelDown): Promise<void> {
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    let seq = this.lastSeq;
    const keys = records.map((record) => updateKey(record.binding.name, ++seq));
    const operations: BatchOperation[] = records.map((record, i) => ({ type: 'put', key: keys[i]!, value: Buffer.from(record.update) }));
    operations.push({ type: 'put', key: COUNTER_KEY, value: encodeSeq(seq) });
    try {
      await writeBatch(db, operations, this.options.sync);
    } catch (cause) {
      // Keep the updates (they are also in the documents and will reach the relay): the next write retries them.
      this.queue = [...records, ...this.queue];
      this.emit('error', [asConcordError(cause, 'could not save changes locally: they are kept in memory and retried')]);
      return;
    }
    this.lastSeq = seq;
    records.forEach((record, i) => record.binding.written(keys[i]!));
  }
}

class LevelDbBinding implements PersistedDocument {
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin !== this) this.adapter.append(this, update);
  };

  /** The keys of the document's records, as far as this adapter knows. */
  keys: Buffer[] = [];
  /** Set once the stored state is in the document. */
  loaded = false;

  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    private readonly adapter: LevelDbPersistence,
  ) {}

  listen(): void {
    this.doc.on('update', this.onUpdate);
  }

  load(keys: readonly Buffer[], updates: readonly Uint8Array[]): void {
    Y.transact(this.doc, () => updates.forEach((update) => Y.applyUpdate(this.doc, update)), this, false);
    // A record written by this binding before the read is read back too: keep each key once.
    const known = new Set(this.keys.map((key) => key.toString('hex')));
    this.keys.push(...keys.filter((key) => !known.has(key.toString('hex'))));
    this.loaded = true;
  }

  written(key: Buffer): void {
    this.keys.push(key);
    if (this.keys.length >= this.adapter.compactAfterRecords) void this.adapter.compact(this);
  }

  getMeta(key: string): Promise<Uint8Array | undefined> {
    return this.adapter.readMeta(this.name, key);
  }

  setMeta(key: string, value: Uint8Array): Promise<void> {
    return this.adapter.writeMeta(this.name, key, value);
  }

  flush(): Promise<void> {
    return this.adapter.flush();
  }

  async unbind(): Promise<void> {
    this.doc.off('update', this.onUpdate);
    await this.adapter.flush().catch(() => undefined);
    this.adapter.forget(this);
  }
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
