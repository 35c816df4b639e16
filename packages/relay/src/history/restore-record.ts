import { AUTHORS_MAP, RESTORES_ARRAY } from '@concord/core/protocol';
import * as Y from 'yjs';
import { mergeUpdatesTree } from '../engine/merge-tree.js';

/** Who a restore made by an operator (the `restore` command) is attributed to, as its writer's claim. */
export const OPERATOR = 'concord-relay restore';

/**
 * The update that records a restore in the list document's `restores` array (as core's activity feed reads it), written
 * by a new Yjs client that claims itself for `OPERATOR`: the feed then says who made it, and to when.
 */
export function restoreRecordUpdate(listLog: readonly Uint8Array[], record: { at: number; to: number; only: string; changed: number }): Uint8Array {
  const doc = new Y.Doc({ guid: 'restore-record' });
  try {
    Y.applyUpdate(doc, mergeUpdatesTree(listLog));
    const before = Y.encodeStateVector(doc);
    doc.transact(() => {
      doc.getMap(AUTHORS_MAP).set(String(doc.clientID), OPERATOR);
      doc.getArray(RESTORES_ARRAY).push([record]);
    });
    return Y.encodeStateAsUpdate(doc, before);
  } finally {
    doc.destroy();
  }
}
