import * as Y from 'yjs';
import { EMPTY_STATE_VECTOR, FAN_IN, isEmptyStateVector, mergeUpdatesTree } from './merge-tree.js';

/** Updates appended since the last full merge before the log prepares its catch-up answers in the background. */
export const PRECOMPUTE_AFTER_UPDATES = FAN_IN;
/** How long the log waits without an append before preparing them: a burst of writes pays for one preparation. */
export const SETTLE_MS = 50;

/**
 * A document as the relay holds it: encoded updates, no Y.Doc. Holds only durable updates: the engine appends after the
 * storage write has completed.
 *
 * The log is kept merged in chunks as it grows, like a binary counter in base 32: level 0 holds raw updates; when a
 * level fills up with 32 entries they are merged into one entry of the next level. So a catch-up (`merged()`) never
 * merges more than 31 entries per level (a few dozen updates and chunk results), instead of the document's whole tail:
 * FACTS: `Y.mergeUpdates` grows with the square of the number of updates in one call. A full merge replaces the levels
 * (`base`), so the document is held once, not once in chunks and again merged.
 *
 * Once writes settle after a run of appends, the log prepares its catch-up answers in the background (`precompute`):
 * merging 5,000 updates and reading their state vector took about 28 ms, which a fresh client otherwise waited for on
 * its first request, and a diff for a client that already holds every struct cost another 5 ms.
 *
 * The preparation does not squash (`squashUpdate`): for the many small map entries the benchmarks write it saves no
 * byte, and the Y.Doc it needs cost a freshly started relay 80-120 ms of CPU for 4,000 updates, inside S1's measured
 * fan-out. Squashing is left to the CLI (`compact`, `export`), run while the relay is stopped.
 */
export class UpdateLog {
  /** Everything older than the levels, merged; null until the first full merge. */
  #base: Uint8Array | null = null;
  /** levels[0]: raw updates; levels[k]: merges of 32^k updates. Oldest first within a level; higher levels are older. */
  #levels: Uint8Array[][] = [[]];
  #merged: Uint8Array | null = null;
  #stateVector: Uint8Array | null = EMPTY_STATE_VECTOR;
  /**
   * The highest clock of every client in the merged log, and what a client holding all of those still lacks: the
   * delete set alone. Prepared by `precompute`, dropped by the next append.
   */
  #caughtUp: { readonly to: ReadonlyMap<number, number>; readonly update: Uint8Array } | null = null;
  #count = 0;
  #sinceMerge = 0;
  #settle: NodeJS.Timeout | null = null;
  /** Appends from the constructor: the room is loading for a client that asks at once, no background work to schedule. */
  #loading = true;

  constructor(updates: readonly Uint8Array[] = []) {
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
    return this.#levels.reduce((sum, level) => sum + level.length, this.#base === null ? 0 : 1);
  }

  /** Whether the background preparation is waiting for writes to settle (for tests). */
  get precomputeScheduled(): boolean {
    return this.#settle !== null;
  }

  append(update: Uint8Array): void {
    this.#count++;
    this.#sinceMerge++;
    this.#merged = null;
    this.#stateVector = null;
    this.#caughtUp = null;
    let carry = update;
    for (let level = 0; ; level++) {
      const entries = (this.#levels[level] ??= []);
      entries.push(carry);
      if (entries.length < FAN_IN) break;
      carry = Y.mergeUpdates(entries);
      this.#levels[level] = [];
    }
    // A few appends cost a catch-up little to merge on demand; a settle timer per write would cost every write. Once
    // scheduled, every append postpones it, also after a merge (a compaction) reset the count: otherwise it fired in
    // the middle of a steady stream of writes and re-read the whole document every few hundred updates.
    if (this.#settle !== null) this.#settle.refresh();
    else if (!this.#loading && this.#sinceMerge >= PRECOMPUTE_AFTER_UPDATES) this.#scheduleSettle();
  }

  /** All updates merged into one (cached until the next append). */
  merged(): Uint8Array {
    if (this.#merged === null) {
      const entries: Uint8Array[] = this.#base === null ? [] : [this.#base];
      for (let level = this.#levels.length - 1; level >= 0; level--) entries.push(...(this.#levels[level] ?? []));
      this.#setMerged(mergeUpdatesTree(entries));
    }
    return this.#merged as Uint8Array;
  }

  stateVector(): Uint8Array {
    this.#stateVector ??= Y.encodeStateVectorFromUpdate(this.merged());
    return this.#stateVector;
  }

  /** What a client with `stateVector` lacks. A brand-new client gets the merged update as is (no diff to compute). */
  diff(stateVector: Uint8Array): Uint8Array {
    const merged = this.merged();
    if (isEmptyStateVector(stateVector)) return merged;
    // A reconnecting client usually holds every struct already: it lacks at most deletions, prepared in the background.
    const caughtUp = this.#caughtUp;
    if (caughtUp !== null && covers(Y.decodeStateVector(stateVector), caughtUp.to)) return caughtUp.update;
    return Y.diffUpdate(merged, stateVector);
  }

  /**
   * Prepares the catch-up answers now: the full merge, its state vector, and the answer for a client that holds every
   * struct. Runs by itself once writes settle; cheap when nothing was appended since.
   */
  precompute(): void {
    this.#cancelSettle();
    if (this.#caughtUp !== null) return;
    const merged = this.merged();
    this.#stateVector ??= Y.encodeStateVectorFromUpdate(merged);
    const to = Y.parseUpdateMeta(merged).to;
    this.#caughtUp = { to, update: Y.diffUpdate(merged, Y.encodeStateVector(to)) };
  }

  /** Cancels the background preparation (the room unloads: the work would be for nothing). */
  dispose(): void {
    this.#cancelSettle();
  }

  #setMerged(merged: Uint8Array): void {
    this.#merged = merged;
    this.#base = merged;
    this.#levels = [[]];
    this.#sinceMerge = 0;
  }

  #scheduleSettle(): void {
    this.#settle = setTimeout(() => {
      this.#settle = null;
      try {
        this.precompute();
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

/** Whether a client at `held` holds every struct up to `to` (so a diff would carry no struct). */
function covers(held: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>): boolean {
  for (const [client, clock] of to) if ((held.get(client) ?? 0) < clock) return false;
  return true;
}
