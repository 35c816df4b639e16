import { coversDeleteSet, type DeleteSet } from '@concord/core/protocol';
import * as Y from 'yjs';

/**
 * Whether `update` brings anything that `known` (another update, decoded) lacks: a struct, or a deletion. A state vector
 * says nothing about deletions, and `Y.diffUpdate` always carries the whole delete set, so without this check every
 * catch-up of a document that ever had a deletion would store (and push) that delete set again.
 */
export function bringsNews(update: Uint8Array, known: DeleteSet): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length > 0 || !coversDeleteSet(known, ds);
}

export function deleteSetOf(update: Uint8Array): DeleteSet {
  return Y.decodeUpdate(update).ds;
}
