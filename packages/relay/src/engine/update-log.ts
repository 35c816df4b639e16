import * as Y from 'yjs';
import { EMPTY_STATE_VECTOR, isEmptyStateVector, mergeUpdatesTree } from './merge-tree.js';

/**
 * A document as the relay holds it: encoded updates, no Y.Doc. Appends are O(1); the merge into one update happens
 * lazily, when someone needs a catch-up diff or the state vector, and is cached until the next append.
 * Holds only durable updates: the engine appends after the storage write has completed.
 */
export class UpdateLog {
  #merged: Uint8Array | null = null;
  #tail: Uint8Array[] = [];
  #stateVector: Uint8Array | null = EMPTY_STATE_VECTOR;
  #count: number;

  constructor(updates: readonly Uint8Array[] = []) {
    this.#tail = [...updates];
    this.#count = updates.length;
    if (updates.length > 0) this.#stateVector = null;
  }

  /** Updates appended since load (or the number loaded): the engine compacts storage past a threshold. */
  get count(): number {
    return this.#count;
  }

  append(update: Uint8Array): void {
    this.#tail.push(update);
    this.#count++;
    this.#stateVector = null;
  }

  /** All updates merged into one (cached). */
  merged(): Uint8Array {
    if (this.#tail.length > 0 || this.#merged === null) {
      this.#merged = mergeUpdatesTree(this.#merged === null ? this.#tail : [this.#merged, ...this.#tail]);
      this.#tail = [];
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
