import { mkdir } from 'node:fs/promises';
import leveldown, { type BatchOperation, type LevelDown } from 'leveldown';
import { DataDirectoryError, StorageClosedError, StorageError } from '../errors.js';
import {
  byUtf8,
  type AppendEntry,
  type CompactionResult,
  type DocumentStorage,
  type MergeUpdates,
  type PickQuarantine,
  type QuarantinedUpdate,
} from './document-storage.js';
import { closeDb, firstKeyOfEachGroup, openDb, readRange, writeBatch } from './leveldown-async.js';
import {
  bindingKey,
  bindingRange,
  checkpointKey,
  decodeSeq,
  docFromUpdateKey,
  encodeSeq,
  quarantineKey,
  quarantineRange,
  seqOfKey,
  SEQUENCE_KEY,
  updateKey,
  updateKeyWithPrefix,
  updatePrefix,
  updateRange,
  updatesRange,
} from './leveldb-keys.js';
import { decodeQuarantineRecord, encodeQuarantineRecord } from './quarantine-record.js';
import type { Checkpoint } from '../history/checkpoint.js';
import { decodeHistory, encodeHistory } from '../history/history-record.js';

/** Options of `LevelDbStorage`. */
export interface LevelDbStorageOptions {
  /**
   * fsync every write. Off by default: a write the OS has accepted survives the relay process being killed (kill -9);
   * only a power loss or kernel crash can lose it. Measured: fsync costs about 36 % more CPU per
   * delivered update under paced load.
   */
  readonly sync?: boolean;
}

/**
 * Sequence numbers are reserved in blocks: the stored high-water mark is written once per block, not in every batch
 * (each extra put cost the paced fan-out about 15 µs of CPU per update). After a restart numbering resumes past the
 * block: gaps are harmless, only the order of a document's keys matters.
 */
const SEQ_BLOCK = 1 << 16;

interface QueuedAppend {
  readonly operations: BatchOperation[];
  /** The highest sequence number the operations use. */
  readonly lastSeq: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** `DocumentStorage` on LevelDB through leveldown. Key layout: see `leveldb-keys.ts` and PROTOCOL.md. */
export class LevelDbStorage implements DocumentStorage {
  readonly #db: LevelDown;
  /** The write of each document's history record in progress (read, change, write: one at a time per document). */
  readonly #historyWrites = new Map<string, Promise<void>>();
  readonly #sync: boolean;
  /** The last sequence number handed out. */
  #seq: number;
  /** The stored high-water mark: no stored key uses a higher sequence number, nor will one before it is raised. */
  #reservedSeq: number;
  #closed = false;
  // One LevelDB batch in flight at a time; calls arriving meanwhile are coalesced into the next one (group commit).
  // Serialising keeps the stored sequence high-water mark monotonic: two concurrent batches could land out of order.
  #queue: QueuedAppend[] = [];
  #writing: Promise<void> | null = null;

  private constructor(db: LevelDown, seq: number, options: LevelDbStorageOptions) {
    this.#db = db;
    this.#seq = seq;
    this.#reservedSeq = seq;
    this.#sync = options.sync ?? false;
  }

  /** Creates the directory if needed and opens (or creates) the database. Throws `DataDirectoryError`. */
  static async open(directory: string, options: LevelDbStorageOptions = {}): Promise<LevelDbStorage> {
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      throw new DataDirectoryError(`cannot create data directory ${directory}: ${describe(error)}`, { cause: error });
    }
    const db = leveldown(directory);
    try {
      await openDb(db);
    } catch (error) {
      throw new DataDirectoryError(`cannot open LevelDB in ${directory}: ${describe(error)}`, { cause: error });
    }
    try {
      const [meta] = await readRange(db, { gte: SEQUENCE_KEY, lte: SEQUENCE_KEY });
      return new LevelDbStorage(db, meta === undefined ? 0 : decodeSeq(meta.value), options);
    } catch (error) {
      await closeDb(db).catch(() => undefined);
      throw new DataDirectoryError(`cannot read LevelDB in ${directory}: ${describe(error)}`, { cause: error });
    }
  }

  async loadUpdates(doc: string): Promise<Uint8Array[]> {
    this.#assertOpen();
    try {
      const entries = await readRange(this.#db, updateRange(doc));
      return entries.map((entry) => new Uint8Array(entry.value));
    } catch (error) {
      throw new StorageError(`cannot read document ${JSON.stringify(doc)}: ${describe(error)}`, { cause: error });
    }
  }

  appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    // Sequence numbers are taken now, synchronously, so append order is call order whatever the write timing.
    let prefixDoc: string | null = null;
    let prefix: Uint8Array = new Uint8Array(0);
    const operations: BatchOperation[] = entries.map(({ doc, update }) => {
      // A batch mostly holds updates of few documents, often in runs: one prefix per run.
      if (doc !== prefixDoc) {
        prefixDoc = doc;
        prefix = updatePrefix(doc);
      }
      return { type: 'put', key: updateKeyWithPrefix(prefix, ++this.#seq), value: update };
    });
    for (const { doc, binds } of entries) {
      if (binds !== undefined) for (const [client, user] of binds) operations.push({ type: 'put', key: bindingKey(doc, client), value: Buffer.from(user) });
    }
    return this.#enqueue(operations);
  }

  /** Queues `operations` (which use sequence numbers up to the current one) for the next group commit. */
  #enqueue(operations: BatchOperation[]): Promise<void> {
    const lastSeq = this.#seq;
    return new Promise((resolve, reject) => {
      this.#queue.push({ operations, lastSeq, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue;
      this.#queue = [];
      const operations = group.length === 1 ? (group[0] as QueuedAppend).operations : group.flatMap((item) => item.operations);
      const lastSeq = (group.at(-1) as QueuedAppend).lastSeq;
      // Raised in the same atomic batch as the first keys past it, and decided here, where batches are written one at a
      // time: a failed batch that carried a raise leaves the next one to carry it again.
      const reserve = lastSeq > this.#reservedSeq ? lastSeq + SEQ_BLOCK : null;
      if (reserve !== null) operations.push({ type: 'put', key: SEQUENCE_KEY, value: encodeSeq(reserve) });
      try {
        await writeBatch(this.#db, operations, this.#sync);
        if (reserve !== null) this.#reservedSeq = reserve;
        for (const item of group) item.resolve();
      } catch (error) {
        const failure = new StorageError(`write failed: ${describe(error)}`, { cause: error });
        for (const item of group) item.reject(failure);
      }
    }
    this.#writing = null;
  }

  async compact(doc: string, merge: MergeUpdates): Promise<CompactionResult> {
    this.#assertOpen();
    try {
      const entries = await readRange(this.#db, updateRange(doc));
      const bytesBefore = entries.reduce((sum, entry) => sum + entry.value.byteLength, 0);
      const last = entries.at(-1);
      if (entries.length <= 1 || last === undefined) return { replaced: 0, bytesBefore, bytesAfter: bytesBefore };
      const merged = merge(entries.map((entry) => new Uint8Array(entry.value)));
      // Delete exactly the keys we read and put the merged update under the last of them: updates appended meanwhile
      // have higher sequence numbers and stay after it. One batch, so a crash leaves the old log or the new one.
      const operations: BatchOperation[] = entries.map((entry) => ({ type: 'del', key: entry.key }));
      operations.push({ type: 'put', key: last.key, value: merged });
      await writeBatch(this.#db, operations, this.#sync);
      return { replaced: entries.length, bytesBefore, bytesAfter: merged.byteLength };
    } catch (error) {
      throw new StorageError(`cannot compact document ${JSON.stringify(doc)}: ${describe(error)}`, { cause: error });
    }
  }

  async quarantine(doc: string, pick: PickQuarantine): Promise<QuarantinedUpdate[]> {
    this.#assertOpen();
    try {
      const entries = await readRange(this.#db, updateRange(doc));
      const picked = pick(entries.map((entry) => new Uint8Array(entry.value)));
      const at = Date.now();
      const moved: QuarantinedUpdate[] = [];
      const operations: BatchOperation[] = [];
      for (const [index, reason] of picked) {
        const entry = entries[index];
        if (entry === undefined) continue;
        const id = seqOfKey(entry.key);
        const update = new Uint8Array(entry.value);
        moved.push({ doc, id, reason, at, update });
        // One batch: after a crash the update is either still in the log or in the quarantine, never lost or in both.
        operations.push({ type: 'del', key: entry.key }, { type: 'put', key: quarantineKey(doc, id), value: encodeQuarantineRecord({ reason, at, update }) });
      }
      if (operations.length > 0) await writeBatch(this.#db, operations, this.#sync);
      return moved;
    } catch (error) {
      throw new StorageError(`cannot quarantine updates of ${JSON.stringify(doc)}: ${describe(error)}`, { cause: error });
    }
  }

  async listQuarantine(doc?: string): Promise<QuarantinedUpdate[]> {
    this.#assertOpen();
    const entries = await readRange(this.#db, quarantineRange(doc));
    const listed = entries.map((entry) => ({ doc: docFromUpdateKey(entry.key), id: seqOfKey(entry.key), ...decodeQuarantineRecord(entry.value) }));
    // Keys sort by name length first; the contract is UTF-8 order of the names.
    return listed.sort((a, b) => byUtf8(a.doc, b.doc) || a.id - b.id);
  }

  async releaseQuarantined(doc: string, id: number): Promise<boolean> {
    this.#assertOpen();
    const key = quarantineKey(doc, id);
    const [entry] = await readRange(this.#db, { gte: key, lte: key });
    if (entry === undefined) return false;
    const { update } = decodeQuarantineRecord(entry.value);
    // Through the append queue, with a fresh sequence number: the update lands after every update appended before.
    await this.#enqueue([
      { type: 'del', key },
      { type: 'put', key: updateKey(doc, ++this.#seq), value: update },
    ]);
    return true;
  }

  async loadClientBindings(doc: string): Promise<Map<number, string>> {
    this.#assertOpen();
    try {
      const entries = await readRange(this.#db, bindingRange(doc));
      return new Map(entries.map((entry) => [seqOfKey(entry.key), entry.value.toString('utf8')]));
    } catch (error) {
      throw new StorageError(`cannot read the client bindings of ${JSON.stringify(doc)}: ${describe(error)}`, { cause: error });
    }
  }

  async putCheckpoint(doc: string, checkpoint: Checkpoint, expired: readonly number[]): Promise<void> {
    this.#assertOpen();
    // Read, change, write the document's one history record: one writer per document at a time.
    const previous = this.#historyWrites.get(doc) ?? Promise.resolve();
    const write = previous.then(async () => {
      const gone = new Set([...expired, checkpoint.at]);
      const kept = (await this.listCheckpoints(doc)).filter((each) => !gone.has(each.at));
      const checkpoints = [...kept, checkpoint].sort((a, b) => a.at - b.at);
      await writeBatch(this.#db, [{ type: 'put', key: checkpointKey(doc), value: Buffer.from(encodeHistory(checkpoints)) }], this.#sync);
    });
    const settled = write.catch(() => undefined);
    this.#historyWrites.set(doc, settled);
    void settled.then(() => {
      if (this.#historyWrites.get(doc) === settled) this.#historyWrites.delete(doc);
    });
    try {
      await write;
    } catch (error) {
      throw new StorageError(`cannot store a checkpoint of ${JSON.stringify(doc)}: ${describe(error)}`, { cause: error });
    }
  }

  async listCheckpoints(doc: string): Promise<Checkpoint[]> {
    this.#assertOpen();
    try {
      const key = checkpointKey(doc);
      const [entry] = await readRange(this.#db, { gte: key, lte: key });
      return entry === undefined ? [] : decodeHistory(new Uint8Array(entry.value));
    } catch (error) {
      throw new StorageError(`cannot read the checkpoints of ${JSON.stringify(doc)}: ${describe(error)}`, { cause: error });
    }
  }

  /** Read from the update keys, one seek per document (no index to keep up to date on every write). */
  async listDocuments(): Promise<string[]> {
    this.#assertOpen();
    const keys = await firstKeyOfEachGroup(this.#db, updatesRange, (key) => updateRange(docFromUpdateKey(key)).lte);
    // Keys sort by name length first; the contract is UTF-8 byte order.
    return keys.map(docFromUpdateKey).sort(byUtf8);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writing;
    await closeDb(this.#db);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageClosedError();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
