import * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import type { SyncStatus } from '../transport/transport.js';

/** A list's sync status: the transport's connection state, narrowed to this list's documents. */
export interface ListSyncStatus extends SyncStatus {
  /**
   * `syncing` until the list document and every task document of the list hold what the relay held when they were
   * caught up on this connection (tasks found during the sync included) and the relay confirmed every local change.
   */
  readonly state: SyncStatus['state'];
  /** Tasks with changes (to their fields, or to their place, membership or trash state) the relay has not confirmed. */
  readonly unsavedTasks: number;
  /** `unsavedTasks`, plus one when the list has other unconfirmed changes (a task purged for good). */
  readonly pendingChanges: number;
  /** True until this device has once completed a sync of the list: it may hold nothing of it yet. */
  readonly firstSync: boolean;
  /** The list's documents (its own and one per task) and how many of them are caught up on this connection. */
  readonly progress: { readonly documentsTotal: number; readonly documentsSynced: number };
}

export function sameStatus(a: ListSyncStatus, b: ListSyncStatus): boolean {
  return (
    a.state === b.state &&
    a.unsavedTasks === b.unsavedTasks &&
    a.pendingChanges === b.pendingChanges &&
    a.firstSync === b.firstSync &&
    a.lastSyncedAt === b.lastSyncedAt &&
    a.progress.documentsTotal === b.progress.documentsTotal &&
    a.progress.documentsSynced === b.progress.documentsSynced
  );
}

/**
 * The tasks whose list entries carry changes beyond `confirmed` (per Yjs client, the next clock the relay holds):
 * walks back from the end of each client's structs, where unconfirmed ones are, to the entry each belongs to. Returns
 * whether any unconfirmed struct was found: a list whose only unconfirmed change is a deletion (a purge) has none.
 */
export function tasksChangedInList(listDoc: Y.Doc, confirmed: ReadonlyMap<number, number>, into: Set<TaskId>): boolean {
  let found = false;
  for (const [client, structs] of listDoc.store.clients) {
    const held = confirmed.get(client) ?? 0;
    for (let i = structs.length - 1; i >= 0; i--) {
      const struct = structs[i]!;
      if (struct.id.clock + struct.length <= held) break;
      found = true;
      const id = entryOf(struct, listDoc);
      if (id !== null) into.add(id);
    }
  }
  return found;
}

/** Whether a transaction made here only deleted (no new struct of this client): a change that moves no clock. */
export function onlyDeleted(transaction: Y.Transaction): boolean {
  if (!transaction.local || transaction.deleteSet.clients.size === 0) return false;
  const client = transaction.doc.clientID;
  return (transaction.afterState.get(client) ?? 0) === (transaction.beforeState.get(client) ?? 0);
}

/** The tasks whose list entries a transaction's deletions belong to (a purged entry, a restored one's trash fields). */
export function tasksDeletedIn(transaction: Y.Transaction): Set<TaskId> {
  const tasks = new Set<TaskId>();
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    const id = entryOf(struct, transaction.doc);
    if (id !== null) tasks.add(id);
  });
  return tasks;
}

/** The task id of the list entry a struct belongs to: the key under the root `tasks` map it sits in, or null. */
function entryOf(struct: Y.Item | Y.GC, listDoc: Y.Doc): TaskId | null {
  let item = struct instanceof Y.Item ? struct : null;
  while (item !== null) {
    const parent = item.parent as Y.AbstractType<unknown> | null;
    if (parent === null || typeof parent !== 'object') return null;
    // Other root types (the authors map) hold no entries.
    if (parent._item === null) return parent === listDoc.share.get('tasks') ? ((item.parentSub as TaskId | null) ?? null) : null;
    item = parent._item;
  }
  return null;
}
