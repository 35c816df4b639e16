import type { TaskId } from '../model/ids.js';
import type { DocumentSyncState } from '../transport/transport.js';

/**
 * Deletions made on this device that the relay has not confirmed, with the tasks they belong to: a task purged (its
 * list entry removed), restored from the trash (its trash fields removed), text deleted from a title or description.
 * Yjs records a deletion in the document's delete set without moving any clock, so the confirmed clocks kept per
 * document cannot tell that one is still on its way, and after a reload nothing would: this ledger is stored with the
 * list (`encode`/`merge`) and counted in the list's status.
 *
 * A document's deletions are confirmed once the relay confirmed the document after they were made (its
 * `confirmations` count moved: a frame acknowledged, a catch-up completed) and it has nothing pending: the frame that
 * carried them was acknowledged, or a catch-up found the relay holding them (a catch-up uploads whatever deletions the
 * relay lacks, and the document stays pending until that upload is acknowledged). For a transport that does not count
 * confirmations: once the document was seen unsettled after the deletion, and then settled.
 */
export class UnconfirmedDeletions {
  /** Per document name, the tasks with deletions in it that the relay has not confirmed. */
  private readonly byDoc = new Map<string, Set<TaskId>>();
  /** The document's `confirmations` when its last deletion was made (absent: unknown, e.g. read from storage). */
  private readonly since = new Map<string, number>();
  /** Documents seen unsettled since their last deletion was made (transports without `confirmations`). */
  private readonly unsettledSeen = new Set<string>();

  get size(): number {
    return this.byDoc.size;
  }

  has(doc: string): boolean {
    return this.byDoc.has(doc);
  }

  /** Adds every task with an unconfirmed deletion to `into`. */
  addTasksTo(into: Set<TaskId>): void {
    for (const tasks of this.byDoc.values()) for (const task of tasks) into.add(task);
  }

  /**
   * A deletion of `task`'s was made in `doc` (`state`: the document's sync state now). Returns whether the ledger
   * changed. The deletion leaves with the document's next frame (this turn, if caught up) or its next catch-up: only a
   * settling seen after that confirms it.
   */
  record(doc: string, task: TaskId, state: DocumentSyncState | undefined): boolean {
    let tasks = this.byDoc.get(doc);
    if (!tasks) this.byDoc.set(doc, (tasks = new Set()));
    const added = !tasks.has(task);
    tasks.add(task);
    if (state?.confirmations !== undefined) this.since.set(doc, state.confirmations);
    else this.since.delete(doc);
    if (state !== undefined && isUnsettled(state)) this.unsettledSeen.add(doc);
    else this.unsettledSeen.delete(doc);
    return added;
  }

  /** Looks at where each document with deletions stands; returns whether any was confirmed (and left the ledger). */
  observe(stateOf: (doc: string) => DocumentSyncState | undefined): boolean {
    let confirmed = false;
    for (const doc of this.byDoc.keys()) {
      const state = stateOf(doc);
      // Not (yet) handed to sync: nothing is known of it.
      if (state === undefined) continue;
      if (isUnsettled(state)) {
        this.unsettledSeen.add(doc);
        continue;
      }
      const since = this.since.get(doc);
      const confirmedSince = state.confirmations !== undefined ? since === undefined || state.confirmations !== since : this.unsettledSeen.has(doc);
      if (!confirmedSince) continue;
      this.byDoc.delete(doc);
      this.since.delete(doc);
      this.unsettledSeen.delete(doc);
      confirmed = true;
    }
    return confirmed;
  }

  /** Documents no longer synced (a purged task's own document): their deletions no longer matter. */
  forget(docs: readonly string[]): boolean {
    let changed = false;
    for (const doc of docs) {
      changed = this.byDoc.delete(doc) || changed;
      this.since.delete(doc);
      this.unsettledSeen.delete(doc);
    }
    return changed;
  }

  /** The ledger as stored: JSON `{ [doc]: taskIds[] }`. */
  encode(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(Object.fromEntries([...this.byDoc].map(([doc, tasks]) => [doc, [...tasks]]))));
  }

  /** Adds what storage held (a reload); unreadable bytes add nothing. */
  merge(stored: Uint8Array | undefined): void {
    if (stored === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(stored));
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    for (const [doc, tasks] of Object.entries(parsed as Record<string, unknown>)) {
      if (!Array.isArray(tasks)) continue;
      const ids = tasks.filter((task): task is TaskId => typeof task === 'string');
      if (ids.length === 0) continue;
      const known = this.byDoc.get(doc);
      if (known) for (const id of ids) known.add(id);
      else this.byDoc.set(doc, new Set(ids));
    }
  }
}

function isUnsettled(state: DocumentSyncState): boolean {
  return !state.caughtUp || state.pending;
}
