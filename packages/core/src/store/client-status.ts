import type { ConnectionState, SyncStatus } from '../transport/transport.js';
import { sameStatus, type ListSyncStatus } from './list-status.js';

/** A client's status across every open list: what an app-wide indicator shows. */
export interface ConcordStatus extends ListSyncStatus {
  /**
   * The least advanced state of the open lists (`synced` only when every open list is); with no list open, the
   * connection's own state.
   */
  readonly state: ConnectionState;
  /** False while the app works offline by choice (`disconnect()`, or `connect: false`) or has no relay at all. */
  readonly online: boolean;
  /** How many lists are open. */
  readonly lists: number;
}

const RANK: Record<ConnectionState, number> = { offline: 0, connecting: 1, syncing: 2, synced: 3 };

/**
 * Sums the open lists' counts and takes the least advanced of their states. Every list shares the client's one
 * connection, so `offline` and `connecting` are common to all of them; only `syncing` and `synced` differ per list.
 */
export function combineStatus(connection: SyncStatus, lists: readonly ListSyncStatus[], online: boolean): ConcordStatus {
  let state: ConnectionState = lists.length === 0 ? connection.state : 'synced';
  let unsavedTasks = 0;
  let pendingChanges = 0;
  let firstSync = false;
  let documentsTotal = 0;
  let documentsSynced = 0;
  for (const list of lists) {
    if (RANK[list.state] < RANK[state]) state = list.state;
    unsavedTasks += list.unsavedTasks;
    pendingChanges += list.pendingChanges;
    firstSync ||= list.firstSync;
    documentsTotal += list.progress.documentsTotal;
    documentsSynced += list.progress.documentsSynced;
  }
  return {
    state,
    online,
    lists: lists.length,
    unsavedTasks,
    pendingChanges,
    firstSync,
    lastSyncedAt: connection.lastSyncedAt,
    progress: { documentsTotal, documentsSynced },
  };
}

export function sameClientStatus(a: ConcordStatus, b: ConcordStatus): boolean {
  return a.online === b.online && a.lists === b.lists && sameStatus(a, b);
}
