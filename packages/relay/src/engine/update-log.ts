// Over 300 lines: one job, the relay's copy of a document and its catch-up answers. Most of its length is the
// measured reasons for when it merges, beside the code they explain; the merging is in merge-tree.ts and merged-update.ts.
import * as Y from 'yjs';
import { EMPTY_STATE_VECTOR, EMPTY_UPDATE, FAN_IN, isEmptyStateVector, mergeUpdatesTree } from './merge-tree.js';
import { ClockTable } from './clock-table.js';
import { covers, extendStateVector, extendWithoutGap, MergedUpdate } from './merged-update.js';
import type { DecodedUpdate } from './update-screen.js';

/** Updates appended since the last full merge before the log prepares its catch-up answers in the background. */
export const PRECOMPUTE_AFTER_UPDATES = FAN_IN;
/** A tail this many times smaller than the base is folded into it once writes settle (see `#tailOutgrewBase`). */
export const TAIL_SHARE_BEFORE_MERGE = 8;
/** The clocks of a log nothing was appended to: shared (and never written), so a document only read costs nothing here. */
const NO_CLOCKS_YET = new ClockTable();

/**
 * Deleting updates the log keeps in hand for a client that holds every struct, and their bytes at most; past either,
 * that client's answer reads the tail instead. Their merge would cost as much, and once the raw updates are merged into
 * the levels, these are copies only this list holds: one writer's large deletions must not pin a document's memory.
 */
const TAIL_DELETIONS_KEPT = FAN_IN;
const TAIL_DELETION_BYTES_KEPT = 64 * 1024;

/** How long the log waits without an append before preparing them: a burst of writes pays for one preparation. */
export const SETTLE_MS = 50;

/**
 * Raw updates (or their bytes) the log holds at most before merging them while writes keep coming. A catch-up that
 * needs them merges them first: 4,096 small map entries merge in about 25 ms, 4,096 typed characters in about 12 ms.
 */
export const RAW_UPDATES_BEFORE_MERGE = 4096;
export const RAW_BYTES_BEFORE_MERGE = 256 * 1024;

/** Other bounds than RAW_UPDATES_BEFORE_MERGE and RAW_BYTES_BEFORE_MERGE (tests use small ones to reach them). */
export interface RawBounds {
  readonly rawUpdates?: number;
  readonly rawBytes?: number;
}

/**
 * A document as the relay holds it: encoded updates, no Y.Doc. Holds only durable updates: the engine appends after the
 * storage write has completed.
 *
 * The log is kept merged in chunks as it grows, like a binary counter in base 32 above its first level: level 0 holds
 * raw updates; they are merged (in a tree of groups of 32) into one entry of level 1 once writes settle, when a
 * catch-up needs them, or when RAW_UPDATES_BEFORE_MERGE of them (or RAW_BYTES_BEFORE_MERGE) have piled up; a higher
 * level that fills up with 32 entries is merged into one entry of the next. So a catch-up (`merged()`) merges at most
 * that many raw updates and 31 entries per level above, instead of the document's whole tail: `Y.mergeUpdates` grows
 * with the square of the number of updates in one call. A full merge replaces the levels (`base`), so the document is
 * held once, not once in chunks and again merged.
 *
 * While clients stream writes and nobody catches up, the raw updates are not merged at all: merging every 32 appends
 * cost a stream of small map entries about 4 µs per update once warm, and a freshly started relay several times that
 * while V8 compiled Yjs' merge code, work no client asked for.
 *
 * A reconnecting client is answered from the base's facts and the tail alone (the levels: what was appended since the
 * last full merge), never by merging the whole document again: its state vector is the base's, extended by the tail's
 * structs, and its diff is the base's delete set merged with the tail's diff. For 5,000 map entries and a 500-edit tail,
 * a full merge, its state vector and a diff cost 15 + 11 + 8 ms on every reconnect after a write; the tail alone about 2.
 * A client that holds every struct the log counts (the clocks kept by the appends) does not even need the tail read: it
 * lacks the base's deletions and those of the tail's deleting updates, kept aside as they are appended. That is the
 * usual reconnect when nobody else wrote meanwhile; merging and diffing a 500-edit tail for it took about 2 ms, which
 * its own edits, arriving right behind its request, waited for.
 *
 * Once writes settle after a run of appends, the log prepares its catch-up answers in the background (`precompute`):
 * merging 5,000 updates and reading their state vector took about 28 ms, which a fresh client otherwise waited for on
 * its first request, and a diff for a client that already holds every struct cost another 5 ms. Only for a document
 * that answered a catch-up since its last preparation (or was never merged): where every client stays connected and
 * writes keep coming (1,000 documents written ten times a second each), a full merge after every 32 writes was a tenth
 * of the relay's CPU and no client ever asked for it. The state vector, which every new connection is sent, follows
 * the appends without a merge.
 *
 * The preparation does not squash (`squashUpdate`): for the many small map entries the benchmarks write it saves no
 * byte, and the Y.Doc it needs cost a freshly started relay 80-120 ms of CPU for 4,000 updates, while it was
 * forwarding live updates. Squashing is left to the CLI (`compact`, `export`), run while the relay is stopped.
 */
export class UpdateLog {
  /** Everything older than the levels, merged; null until the first full merge. */
  #base: MergedUpdate | null = null;
  /** levels[0]: raw updates; levels[k > 0]: merges. Oldest first within a level; higher levels are older. */
  // Empty (no array at all) after a full merge: most loaded documents are read, not written, and two empty arrays per
  // document were a few percent of what a loaded document costs the relay.
  #levels: Uint8Array[][] | null = null;
  /** The levels merged (cached until the next append). */
  #tail: Uint8Array | null = null;
  /** The state vector of base and levels together (cached until the next append). */
  #stateVector: Uint8Array | null = EMPTY_STATE_VECTOR;
  /**
   * The same state vector, decoded and extended by each append while the log has no gap (every client's structs run from
   * clock 0 without a hole), so a stream of writes never merges its tail to know it; null when it must be read from the
   * updates. Re-deriving it after every settled write (merging the whole tail, then decoding it) was a tenth of the
   * relay's CPU with 1,000 documents written ten times a second each.
   */
  #clocks: ClockTable | null = NO_CLOCKS_YET;
  /**
   * The updates appended since the last full merge that delete something (see TAIL_DELETIONS_KEPT), or null when that
   * is not known (a loaded log, a gap, too many). With the clocks, they answer a client that holds every struct without
   * reading the tail: it lacks the base's deletions and these updates' (see `diff`).
   */
  #tailDeletions: Uint8Array[] | null = [];
  #tailDeletionBytes = 0;
  #count = 0;
  #sinceMerge = 0;
  /** Bytes appended since the last full merge. */
  #tailBytes = 0;
  /** Bytes of the raw updates (level 0). */
  #rawBytes = 0;
  #settle: NodeJS.Timeout | null = null;
  /** A catch-up was answered since the last background preparation: preparing the next one is likely to pay. */
  #asked = false;
  /** Appends from the constructor: the room is loading for a client that asks at once, no background work to schedule. */
  #loading = true;

  readonly #rawUpdatesBeforeMerge: number;
  readonly #rawBytesBeforeMerge: number;

  constructor(updates: readonly Uint8Array[] = [], bounds: RawBounds = {}) {
    this.#rawUpdatesBeforeMerge = bounds.rawUpdates ?? RAW_UPDATES_BEFORE_MERGE;
    this.#rawBytesBeforeMerge = bounds.rawBytes ?? RAW_BYTES_BEFORE_MERGE;
    for (const update of updates) this.append(update);
    this.#loading = false;
    // A load that found nothing keeps the cheap empty state vector.
    if (updates.length === 0) this.#stateVector = EMPTY_STATE_VECTOR;
  }

  /** Updates appended (loaded or live). */
  get count(): number {
    return this.#count;
  }

  /** Entries a full merge would combine now (for tests and the benchmark: stays small however long the log). */
  get pendingEntries(): number {
    return (this.#levels ?? []).reduce((sum, level) => sum + level.length, this.#base === null ? 0 : 1);
  }

  /** Whether the state vector is ready without reading any update (for tests). */
  get stateVectorReady(): boolean {
    return this.#stateVector !== null || this.#clocks !== null;
  }

  /** Whether the background preparation is waiting for writes to settle (for tests). */
  get precomputeScheduled(): boolean {
    return this.#settle !== null;
  }

  /** `decoded`: the update decoded, when the caller has it (the engine decoded every update it admitted). */
  append(update: Uint8Array, decoded?: DecodedUpdate): void {
    this.#count++;
    this.#sinceMerge++;
    this.#tailBytes += update.byteLength;
    this.#tail = null;
    this.#stateVector = null;
    // A loading log reads its state vector when first asked, as before: decoding every stored update now would cost
    // the load what the first catch-up may never need.
    if (this.#clocks === NO_CLOCKS_YET) this.#clocks = new ClockTable();
    if (this.#loading) this.#clocks = null;
    if (this.#clocks !== null) {
      const { structs, ds } = decoded ?? Y.decodeUpdate(update);
      if (!extendWithoutGap(this.#clocks, structs)) this.#clocks = null;
      else if (ds.clients.size > 0 && this.#tailDeletions !== null) {
        this.#tailDeletionBytes += update.byteLength;
        const kept = this.#tailDeletions.length < TAIL_DELETIONS_KEPT && this.#tailDeletionBytes <= TAIL_DELETION_BYTES_KEPT;
        if (kept) this.#tailDeletions.push(update);
        else this.#tailDeletions = null;
      }
    }
    if (this.#clocks === null) this.#tailDeletions = null;
    const raw = ((this.#levels ??= [])[0] ??= []);
    raw.push(update);
    this.#rawBytes += update.byteLength;
    if (raw.length >= this.#rawUpdatesBeforeMerge || this.#rawBytes >= this.#rawBytesBeforeMerge) this.#mergeRaw();
    // Every append postpones the preparation until writes settle, also after a merge (a compaction) reset the count:
    // otherwise it fired in the middle of a steady stream of writes and re-read the whole document every few hundred
    // updates. A stream refreshes one timer; only a lone write pays for a timer of its own.
    if (this.#settle !== null) this.#settle.refresh();
    else if (!this.#loading) this.#scheduleSettle();
  }

  /** All updates merged into one (cached until the next append). */
  merged(): Uint8Array {
    const tail = this.#tailMerged();
    if (tail === null) return this.#base?.update ?? EMPTY_UPDATE;
    const merged = this.#base === null ? tail : mergeUpdatesTree([this.#base.update, tail]);
    this.#base = new MergedUpdate(merged);
    this.#levels = null;
    this.#tail = null;
    this.#tailDeletions = [];
    this.#tailDeletionBytes = 0;
    this.#sinceMerge = 0;
    this.#tailBytes = 0;
    this.#rawBytes = 0;
    return merged;
  }

  stateVector(): Uint8Array {
    if (this.#stateVector === null && this.#clocks !== null) this.#stateVector = this.#clocks.encode();
    if (this.#stateVector === null) {
      const base = this.#base;
      const tail = this.#tailMerged();
      if (base !== null && tail !== null && base.gapFree()) {
        this.#stateVector = Y.encodeStateVector(extendStateVector(base.decodedStateVector(), tail));
      } else {
        this.merged();
        this.#stateVector = this.#base?.stateVector() ?? EMPTY_STATE_VECTOR;
        this.#keepClocks();
      }
    }
    return this.#stateVector;
  }

  /** After a full merge: the state vector can follow appends from here if the document has no gap. */
  #keepClocks(): void {
    const base = this.#base;
    if (base !== null && this.#tail === null && base.gapFree()) this.#clocks = new ClockTable(base.decodedStateVector());
  }

  /** What a client with `stateVector` lacks. A brand-new client gets the merged update as is (no diff to compute). */
  diff(stateVector: Uint8Array): Uint8Array {
    this.#asked = true;
    if (isEmptyStateVector(stateVector)) return this.merged();
    const held = Y.decodeStateVector(stateVector);
    // A client that holds every struct (one that reconnects when nobody else wrote meanwhile) lacks deletions at most:
    // the base's (prepared once per base) and those of the tail's deleting updates. Diffing the tail read all of it.
    const deletions = this.#tailDeletions;
    if (deletions !== null && this.#clocks?.coveredBy(held) === true) {
      const baseDeletions = this.#base?.deletions() ?? EMPTY_UPDATE;
      if (deletions.length === 0) return baseDeletions;
      return Y.mergeUpdates([baseDeletions, ...deletions.map((update) => Y.diffUpdate(update, stateVector))]);
    }
    // A reconnecting client usually holds every struct of the base already: it lacks the base's deletions and what the
    // tail holds beyond its state vector.
    const base = this.#base;
    if (base !== null && covers(held, base.to())) {
      const tail = this.#tailMerged();
      return tail === null ? base.deletions() : Y.mergeUpdates([base.deletions(), Y.diffUpdate(tail, stateVector)]);
    }
    return Y.diffUpdate(this.merged(), stateVector);
  }

  /**
   * Prepares the catch-up answers now: the full merge, its state vector, and the answer for a client that holds every
   * struct. Runs by itself once writes settle; cheap when nothing was appended since.
   */
  precompute(): void {
    this.#cancelSettle();
    this.merged();
    const base = this.#base;
    if (base === null) return;
    this.#stateVector = base.stateVector();
    this.#keepClocks();
    base.deletions();
    base.gapFree();
  }

  /** Cancels the background preparation (the room unloads: the work would be for nothing). */
  dispose(): void {
    this.#cancelSettle();
  }

  /**
   * Answers from the tail cost in proportion to its bytes; a full merge, to the document's. Folding the tail in once it
   * holds an eighth of the base's bytes keeps each answer within an eighth of a full merge's cost, and the full merges
   * a document pays within one per eighth of its size written.
   */
  #tailOutgrewBase(): boolean {
    return this.#base !== null && this.#tailBytes * TAIL_SHARE_BEFORE_MERGE >= this.#base.update.byteLength;
  }

  /** Merges the raw updates into one entry of level 1, carrying full levels up as a binary counter does. */
  #mergeRaw(): void {
    const levels = this.#levels;
    const raw = levels?.[0];
    if (levels === null || raw === undefined || raw.length === 0) return;
    let carry = mergeUpdatesTree(raw);
    levels[0] = [];
    this.#rawBytes = 0;
    for (let level = 1; ; level++) {
      const entries = (levels[level] ??= []);
      entries.push(carry);
      if (entries.length < FAN_IN) break;
      carry = Y.mergeUpdates(entries);
      levels[level] = [];
    }
  }

  /** The levels merged, oldest first; null when nothing was appended since the last full merge. */
  #tailMerged(): Uint8Array | null {
    if (this.#tail === null) {
      // The raw updates' merge is kept in level 1: the next catch-up after an append merges only what came since.
      this.#mergeRaw();
      const entries: Uint8Array[] = [];
      const levels = this.#levels ?? [];
      for (let level = levels.length - 1; level >= 0; level--) entries.push(...(levels[level] ?? []));
      if (entries.length === 0) return null;
      this.#tail = mergeUpdatesTree(entries);
    }
    return this.#tail;
  }

  /**
   * Once writes settle: the full preparation after a run of appends or a tail that outgrew the base; after a few, only
   * the state vector extended by the tail (about 1 ms for a 500-edit update), which the relay's sync step 1 to a
   * reconnecting client otherwise computed while the client waited. A log never merged has no base to extend: a catch-up
   * merges it on demand, as before.
   */
  #prepare(): void {
    // Writes paused: the raw updates are merged now rather than by a client waiting for its catch-up.
    if ((this.#levels?.[0]?.length ?? 0) >= FAN_IN) this.#mergeRaw();
    const due = this.#sinceMerge >= PRECOMPUTE_AFTER_UPDATES || this.#tailOutgrewBase();
    if (due && (this.#asked || this.#base === null)) {
      this.#asked = false;
      this.precompute();
    } else if (this.#clocks === null && this.#base?.gapFree() === true) this.stateVector();
    // With the clocks kept by the appends, the state vector is one small encoding when a client asks: encoding it after
    // every settled write (a timer per written document) was most of what a stream of lone writes allocated there.
  }

  #scheduleSettle(): void {
    this.#settle = setTimeout(() => {
      this.#settle = null;
      try {
        this.#prepare();
      } catch {
        // A log Yjs cannot merge fails the same way on demand, where the caller sees the error: nothing to add here.
      }
    }, SETTLE_MS);
    this.#settle.unref();
  }

  #cancelSettle(): void {
    if (this.#settle !== null) clearTimeout(this.#settle);
    this.#settle = null;
  }
}
