// Over 300 lines: the log and the storage interface it fronts are one job: every DocumentStorage call must first see
// what the log holds and the inner storage has not landed yet; the file format is in wal-records.ts.
import type { Checkpoint } from '../history/checkpoint.js';
import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
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
import { landedPrefix } from './held-entries.js';
import { checkpointRecord, encodeEntries, readSegment } from './wal-records.js';

export interface WriteAheadStorageOptions {
  /** Write what the log holds to the inner storage at most this often (ms); large backlogs go at once. */
  readonly flushIntervalMs?: number;
}

const SEGMENT = /^(\d{12})\.wal$/;
const FLUSH_BYTES = 4 * 1024 * 1024;
/** A segment this large is replaced by a fresh one at the next background write (creating files is not free). */
const SEGMENT_BYTES = 8 * 1024 * 1024;

/**
 * A write-ahead log in front of another storage (LevelDB): an append is written to a log file with one synchronous
 * `write` on the event loop and is durable when the call returns (it survives kill -9 like LevelDB's own unsynced log;
 * with `--fsync` the relay uses LevelDB's synced batches instead), then reaches the inner storage in the background, many appends per write.
 *
 * Why: every LevelDB write is a round trip through libuv's thread pool, 55-80 µs of CPU on this project's machines, which
 * at one update per event-loop turn (paced editing) cost more than everything else the relay does per update. A
 * `write` to a file costs 5-15 µs.
 *
 * After each background write a checkpoint record (the offset up to which the segment's entries are in the inner
 * storage) is appended, so a replay skips them; a segment past SEGMENT_BYTES is replaced by a fresh one and deleted once
 * its entries are in the inner storage. At open, what segments a crash left past their checkpoints is replayed into the
 * inner storage first (an entry written twice is harmless: applying a Yjs update again changes nothing).
 * Compactions and background writes are serialised. Reads are not: a document load waiting behind a background write of
 * thousands of updates (or a compaction) made every connect at scale wait for it. A read takes the inner storage's
 * updates plus the entries held in memory (pending or being written) when it started or when it ended; those of a
 * background write that landed before the inner read are the inner log's tail, and are dropped from the memory part.
 */
export class WriteAheadStorage implements DocumentStorage {
  readonly #inner: DocumentStorage;
  readonly #directory: string;
  readonly #flushIntervalMs: number;
  #segment: number;
  #fd: number;
  #segmentBytes = 0;
  /** Appended to the current segment, not yet handed to the inner storage. */
  #pending: AppendEntry[] = [];
  /** The entries of the background write in flight (empty when none): reads still need them from memory. */
  #writing: readonly AppendEntry[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Reads, compactions and background writes, one at a time. */
  #chain: Promise<unknown> = Promise.resolve();
  #failure: StorageError | null = null;
  #closed = false;

  private constructor(inner: DocumentStorage, directory: string, segment: number, options: WriteAheadStorageOptions) {
    this.#inner = inner;
    this.#directory = directory;
    this.#flushIntervalMs = options.flushIntervalMs ?? 200;
    this.#segment = segment;
    this.#fd = openSync(this.#path(segment), 'a');
  }

  /** Replays segments a crash left into `inner`, then starts a new log in `directory`. */
  static async open(inner: DocumentStorage, directory: string, options: WriteAheadStorageOptions = {}): Promise<WriteAheadStorage> {
    const last = await WriteAheadStorage.replay(inner, directory);
    return new WriteAheadStorage(inner, directory, last + 1, options);
  }

  /** Writes what segments in `directory` hold (a crash's leftovers) to `inner` and deletes them; the last segment number. */
  static async replay(inner: DocumentStorage, directory: string): Promise<number> {
    let segments: number[];
    try {
      mkdirSync(directory, { recursive: true });
      segments = readdirSync(directory)
        .flatMap((name) => SEGMENT.exec(name)?.[1] ?? [])
        .map(Number)
        .sort((a, b) => a - b);
    } catch (error) {
      throw new DataDirectoryError(`cannot use the write-ahead log directory ${directory}: ${describe(error)}`, { cause: error });
    }
    for (const segment of segments) {
      const entries = readSegment(readFileSync(join(directory, segmentName(segment))));
      if (entries.length > 0) await inner.appendUpdates(entries);
      unlinkSync(join(directory, segmentName(segment)));
    }
    return segments.at(-1) ?? 0;
  }

  appendUpdates(entries: readonly AppendEntry[]): Promise<void> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    if (this.#failure) return Promise.reject(this.#failure);
    if (entries.length === 0) return Promise.resolve();
    const record = encodeEntries(entries);
    try {
      writeFully(this.#fd, record);
    } catch (error) {
      // A partial record (a full disk) must not stay in front of the next one.
      try {
        ftruncateSync(this.#fd, this.#segmentBytes);
      } catch {
        // The replay stops at a record that does not parse; nothing after it was acknowledged.
      }
      return Promise.reject(new StorageError(`write failed: ${describe(error)}`, { cause: error }));
    }
    this.#segmentBytes += record.byteLength;
    for (const entry of entries) {
      // The caller's own arrays, not copies (see AppendEntry): the relay keeps each update in its document's log too, and
      // a copy of every update written cost the write path an allocation and its memory twice until the flush.
      this.#pending.push(entry);
      this.#pendingBytes += entry.update.byteLength;
    }
    if (this.#pendingBytes >= FLUSH_BYTES) this.#flushSoon(0);
    else this.#flushSoon(this.#flushIntervalMs);
    return Promise.resolve();
  }

  loadUpdates(doc: string): Promise<Uint8Array[]> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    const before = this.#held(doc);
    return this.#inner.loadUpdates(doc).then((stored) => {
      // Appends are stored in order, so the entries held at the start that have landed since are a prefix of `held`.
      const seen = new Set(before);
      const held = [...before, ...this.#held(doc).filter((entry) => !seen.has(entry))];
      for (const entry of held.slice(landedPrefix(stored, held))) stored.push(entry.update.slice());
      return stored;
    });
  }

  /** The document's entries in memory, oldest first: those of the background write in flight, then those pending. */
  #held(doc: string): AppendEntry[] {
    const held: AppendEntry[] = [];
    for (const entry of this.#writing) if (entry.doc === doc) held.push(entry);
    for (const entry of this.#pending) if (entry.doc === doc) held.push(entry);
    return held;
  }

  compact(doc: string, merge: MergeUpdates): Promise<CompactionResult> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    // Everything appended so far is compacted; appends made while the merge runs stay after it in the log.
    return this.#serial(async () => {
      await this.#flush();
      return this.#inner.compact(doc, merge);
    });
  }

  /** Like a compaction: what the write-ahead log holds reaches the inner storage first, so `pick` sees every update. */
  quarantine(doc: string, pick: PickQuarantine): Promise<QuarantinedUpdate[]> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return this.#serial(async () => {
      await this.#flush();
      return this.#inner.quarantine(doc, pick);
    });
  }

  listQuarantine(doc?: string): Promise<QuarantinedUpdate[]> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return this.#serial(() => this.#inner.listQuarantine(doc));
  }

  /** After the write-ahead log reaches the inner storage, so the released update lands after every update appended before. */
  releaseQuarantined(doc: string, id: number): Promise<boolean> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return this.#serial(async () => {
      await this.#flush();
      return this.#inner.releaseQuarantined(doc, id);
    });
  }

  putCheckpoint(doc: string, checkpoint: Checkpoint, expired: readonly number[]): Promise<void> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return this.#serial(() => this.#inner.putCheckpoint(doc, checkpoint, expired));
  }

  listCheckpoints(doc: string): Promise<Checkpoint[]> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return this.#serial(() => this.#inner.listCheckpoints(doc));
  }

  loadClientBindings(doc: string): Promise<Map<number, string>> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return this.#serial(async () => {
      const bindings = await this.#inner.loadClientBindings(doc);
      for (const entry of this.#pending) {
        if (entry.doc === doc && entry.binds !== undefined) for (const [client, user] of entry.binds) bindings.set(client, user);
      }
      return bindings;
    });
  }

  listDocuments(): Promise<string[]> {
    if (this.#closed) return Promise.reject(new StorageClosedError());
    return this.#serial(async () => {
      const names = new Set(await this.#inner.listDocuments());
      for (const entry of this.#pending) names.add(entry.doc);
      return [...names].sort(byUtf8);
    });
  }

  /** Writes everything the log holds to the inner storage and closes both. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#serial(() => this.#flush()).catch(() => undefined);
    closeSync(this.#fd);
    // Written to the inner storage: the last segment is not needed. Otherwise it stays, for the next open to replay.
    if (this.#pending.length === 0 && this.#failure === null) unlinkSync(this.#path(this.#segment));
    await this.#inner.close();
  }

  #flushSoon(delayMs: number): void {
    if (this.#timer !== null) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#serial(() => this.#flush()).catch(() => undefined);
    }, delayMs);
  }

  /** Hands the pending entries to the inner storage, then marks them done in the log. */
  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    const writtenUpTo = this.#segmentBytes;
    const rotate = this.#segmentBytes >= SEGMENT_BYTES;
    if (rotate) {
      // New appends go to a new segment: the old one is deleted once its entries are in the inner storage.
      closeSync(this.#fd);
      this.#segment++;
      this.#fd = openSync(this.#path(this.#segment), 'a');
      this.#segmentBytes = 0;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writing = batch;
    try {
      await this.#inner.appendUpdates(batch);
      this.#failure = null;
    } catch (error) {
      // Still durable in the log, which the replay at the next open reads; kept in memory for reads, and retried with
      // the next write. New appends are refused until one succeeds: the log must not grow without bound.
      this.#pending = [...batch, ...this.#pending];
      this.#pendingBytes += batch.reduce((sum, entry) => sum + entry.update.byteLength, 0);
      this.#failure = error instanceof StorageError ? error : new StorageError(`write failed: ${describe(error)}`, { cause: error });
      this.#flushSoon(1_000);
      return;
    } finally {
      this.#writing = [];
    }
    // Every entry of older segments was in this batch (or an earlier successful one).
    for (let old = this.#segment - 1; old >= 0 && tryUnlink(this.#path(old)); old--);
    if (!rotate && !this.#closed) this.#appendRecord(checkpointRecord(writtenUpTo));
  }

  /** A best-effort checkpoint: without it a replay writes entries again, which is harmless. */
  #appendRecord(record: Uint8Array): void {
    try {
      writeFully(this.#fd, record);
      this.#segmentBytes += record.byteLength;
    } catch {
      try {
        ftruncateSync(this.#fd, this.#segmentBytes);
      } catch {
        // A torn record ends the replay of its segment; the entries before it are replayed.
      }
    }
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(work);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  #path(segment: number): string {
    return join(this.#directory, segmentName(segment));
  }
}

const segmentName = (segment: number): string => `${String(segment).padStart(12, '0')}.wal`;

function tryUnlink(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

function writeFully(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

