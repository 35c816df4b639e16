import type { Checkpoint } from '../history/checkpoint.js';

/**
 * The relay's storage seam: an append-only log of encoded Yjs updates per document.
 *
 * The engine never needs random access: it loads a document's whole log, appends the updates of one event-loop turn
 * (of many documents) in one atomic write, and now and then replaces a document's log with one merged update.
 * Every adapter runs the same acceptance suite (`test/support/storage-acceptance.ts`).
 */
export interface AppendEntry {
  readonly doc: string;
  /**
   * Encoded updates, already validated; stored in this order, after every update appended before. The storage may keep
   * the array itself (to serve reads before it is on disk): the caller must not change its bytes afterwards.
   */
  readonly update: Uint8Array;
  /**
   * Yjs client ids this update is the first to write with, bound to the authenticated user who wrote it: stored in the
   * same atomic write as the update (`loadClientBindings`).
   */
  readonly binds?: ReadonlyMap<number, string>;
}

/** What one compaction of a document's stored log did. */
export interface CompactionResult {
  /** How many stored updates were replaced (0: nothing to do, the log already had at most one update). */
  readonly replaced: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/** A stored update moved out of its document's log because it would not apply, kept apart with why and when. */
export interface QuarantinedUpdate {
  readonly doc: string;
  /** Identifies the entry within its document. */
  readonly id: number;
  readonly reason: string;
  /** When it was quarantined, in milliseconds since the epoch. */
  readonly at: number;
  readonly update: Uint8Array;
}

/** Picks, from a document's stored updates in log order, the ones to quarantine: index in `updates` → reason. */
export type PickQuarantine = (updates: readonly Uint8Array[]) => ReadonlyMap<number, string>;

/** Merges a document's updates into one (for example `Y.mergeUpdates`, in a tree). */
export type MergeUpdates = (updates: readonly Uint8Array[]) => Uint8Array;

/** Where the relay keeps each document's log of updates: LevelDB on disk (`LevelDbStorage`) or memory (`MemoryStorage`). */
export interface DocumentStorage {
  /** Every stored update of the document, in append order; `[]` for an unknown document. */
  loadUpdates(doc: string): Promise<Uint8Array[]>;
  /**
   * Appends the entries (of any number of documents) in ONE atomic write: after a crash either all of them are stored or
   * none. Resolves once the write is complete; rejects with `StorageError` and then nothing of the batch is stored.
   * Entries passed to earlier calls come first in their documents' logs, even if those calls have not completed yet.
   */
  appendUpdates(entries: readonly AppendEntry[]): Promise<void>;
  /**
   * Atomically replaces the document's stored updates with `merge(updates)`. Updates appended while the merge runs are
   * kept after the merged one. A crash at any moment leaves either the old log or the new one.
   */
  compact(doc: string, merge: MergeUpdates): Promise<CompactionResult>;
  /**
   * Atomically moves the stored updates of `doc` that `pick` selects out of its log into the quarantine, with their
   * reasons. `pick` sees the log as `loadUpdates` would return it now; updates appended meanwhile stay in the log.
   * Resolves with the entries quarantined.
   */
  quarantine(doc: string, pick: PickQuarantine): Promise<QuarantinedUpdate[]>;
  /** The quarantined updates of `doc` (of every document when omitted), by document (UTF-8 order), then id. */
  listQuarantine(doc?: string): Promise<QuarantinedUpdate[]>;
  /**
   * Atomically removes quarantined update `id` of `doc` from the quarantine and appends it to the document's log, after
   * every update stored before. Resolves false when there is no such entry.
   */
  releaseQuarantined(doc: string, id: number): Promise<boolean>;
  /** Which user each Yjs client id of `doc` belongs to (the `binds` of every update appended); empty when none. */
  loadClientBindings(doc: string): Promise<Map<number, string>>;
  /**
   * Stores a checkpoint of `doc` (what it was at `checkpoint.at`: see history/checkpoint.ts) and deletes the document's
   * checkpoints taken at the times in `expired`, in one atomic write. A checkpoint at the same time replaces the other.
   */
  putCheckpoint(doc: string, checkpoint: Checkpoint, expired: readonly number[]): Promise<void>;
  /** The checkpoints of `doc`, oldest first; `[]` when it has none. */
  listCheckpoints(doc: string): Promise<Checkpoint[]>;
  /** Names of every document with at least one stored update, sorted by UTF-8 bytes. */
  listDocuments(): Promise<string[]>;
  /** Waits for writes in flight, then releases the database. Idempotent. */
  close(): Promise<void>;
}

/** The order `listDocuments` promises: by UTF-8 bytes (not UTF-16 code units, as `sort()` would). */
export function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
