import * as Y from 'yjs';
import { timed } from './pauses.js';

/** Empty update: no structs, empty delete set. */
export const EMPTY_UPDATE: Uint8Array = Uint8Array.of(0, 0);
/** Empty state vector. */
export const EMPTY_STATE_VECTOR: Uint8Array = Uint8Array.of(0);

export const FAN_IN = 32;

/**
 * Merges encoded updates in a tree of groups of 32: `Y.mergeUpdates` grows with the square of the number of
 * updates in one call (5,000 small updates: 207 ms at once, 21 ms in chunks of 32 merged again).
 */
export function mergeUpdatesTree(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 0) return EMPTY_UPDATE;
  return updates.length === 1 ? (updates[0] as Uint8Array) : timed('merge', () => mergeLevels(updates));
}

function mergeLevels(updates: readonly Uint8Array[]): Uint8Array {
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

/**
 * The same document as `merged`, re-encoded from a temporary Y.Doc (gc on), the way a relay with a live Y.Doc would send
 * it: consecutive inserts of one client become one struct and deleted content is dropped, so text-heavy documents shrink
 * (measured: 51 KB → 15 KB for 5,000 typed characters, and a client applies it 2.6× faster). Map entries under distinct
 * keys do not squash: there the result is the same size, and the call is only cost.
 *
 * Returns `merged` itself whenever the Y.Doc could not hold the log exactly: `applyUpdate` threw (an update that decodes
 * but is corrupt), or some structs or deletions wait for updates the log lacks (a Y.Doc keeps those aside and
 * `encodeStateAsUpdate` would drop them), or the state vectors differ. The Y.Doc is destroyed before returning: a resident
 * Y.Doc per document would cost the heap the relay exists to save.
 */
export function squashUpdate(merged: Uint8Array): Uint8Array {
  return timed('squash', () => squashInDoc(merged));
}

function squashInDoc(merged: Uint8Array): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, merged);
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return merged;
    const squashed = Y.encodeStateAsUpdate(doc);
    if (!sameStateVector(Y.decodeStateVector(Y.encodeStateVector(doc)), Y.decodeStateVector(Y.encodeStateVectorFromUpdate(merged)))) return merged;
    return squashed.byteLength <= merged.byteLength ? squashed : merged;
  } catch {
    return merged;
  } finally {
    doc.destroy();
  }
}

/** A compaction's result: the updates merged in a tree, then squashed (see `squashUpdate`). */
export function compactUpdates(updates: readonly Uint8Array[]): Uint8Array {
  return updates.length === 0 ? EMPTY_UPDATE : squashUpdate(mergeUpdatesTree(updates));
}

function sameStateVector(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [client, clock] of a) if (b.get(client) !== clock) return false;
  return true;
}
