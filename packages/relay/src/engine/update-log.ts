import * as Y from 'yjs';
import { EMPTY_STATE_VECTOR, FAN_IN, isEmptyStateVector, mergeUpdatesTree } from './merge-tree.js';

/**
 * A document as the relay holds it: encoded updates, no Y.Doc. Holds only durable updates: the engine appends after the
 * storage write has completed.
 *
 * The log is kept merged in chunks as it grows, like a binary counter in base 32: level 0 holds raw updates; when a
 * level fills up with 32 entries they are merged into one entry of the next level. So a catch-up (`merged()`) never
 * merges more than 31 entries per level (a few dozen updates and chunk results), instead of the document's whole tail:
 * FACTS: `Y.mergeUpdates` grows with the square of the number of updates in one call. The full merge is cached until
 * the next append.
 */
export class UpdateLog {
  /** levels[0]: raw updates; levels[k]: merges of 32^k updates. Oldest first within a level; higher levels are older. */
  readonly #levels: Uint8Array[][] = [[]];
  #merged: Uint8Array | null = null;
  #stateVector: Uint8Array | null = EMPTY_STATE_VECTOR;
  #count = 0;

  constructor(updates: readonly Uint8Array[] = []) {
    for (const update of updates) this.append(update);
    // A load that found nothing keeps the cheap empty state vector.
    if (updates.length === 0) this.#stateVector = EMPTY_STATE_VECTOR;
  }

  /** Updates appended (loaded or live). */
  get count(): number {
    return this.#count;
  }

  /** Entries a full merge would combine now (for tests and the benchmark: stays small however long the log). */
  get pendingEntries(): number {
    return this.#levels.reduce((sum, level) => sum + level.length, 0);
  }

  append(update: Uint8Array): void {
    this.#count++;
    this.#merged = null;
    this.#stateVector = null;
    let carry = update;
    for (let level = 0; ; level++) {
      const entries = (this.#levels[level] ??= []);
      entries.push(carry);
      if (entries.length < FAN_IN) return;
      carry = Y.mergeUpdates(entries);
      this.#levels[level] = [];
    }
  }

  /** All updates merged into one (cached until the next append). */
  merged(): Uint8Array {
    if (this.#merged === null) {
      const entries: Uint8Array[] = [];
      for (let level = this.#levels.length - 1; level >= 0; level--) entries.push(...(this.#levels[level] ?? []));
      this.#merged = mergeUpdatesTree(entries);
    }
    return this.#merged;
  }

  stateVector(): Uint8Array {
    this.#stateVector ??= Y.encodeStateVectorFromUpdate(this.merged());
    return this.#stateVector;
  }

  /** What a client with `stateVector` lacks. A brand-new client gets the merged update as is (no diff to compute). */
  diff(stateVector: Uint8Array): Uint8Array {
    const merged = this.merged();
    return isEmptyStateVector(stateVector) ? merged : Y.diffUpdate(merged, stateVector);
  }
}
