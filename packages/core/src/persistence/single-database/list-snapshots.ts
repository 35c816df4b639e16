import * as Y from 'yjs';
import { requestResult, transactionDone } from '../idb-requests.js';
import { decodeListSnapshot, encodeListSnapshot, type SnapshotEntry } from '../list-snapshot.js';
import type { SingleDatabaseContext } from './context.js';
import {
  BY_DOC,
  deleteKeys,
  describeWriteFailure,
  inList,
  META,
  metaByDocument,
  metaRange,
  listRange,
  SNAPSHOTS,
  UPDATES,
  type SnapshotRecord,
  type UpdateRecord,
} from './database.js';

/**
 * One snapshot record per open list: every document's state, metadata and view, written in the same transaction that
 * deletes the records and metadata it replaces. Records and snapshots another tab wrote are applied to this tab's
 * documents first, so a snapshot never drops them.
 */
export class ListSnapshots {
  /** Lists opened (prefetched) here, whose documents this tab snapshots; with the writer of the snapshot they hold. */
  private readonly snapshotted = new Map<string, string | null>();
  /** Snapshotted lists with records or metadata stored since their last snapshot: how many. */
  private readonly dirty = new Map<string, number>();
  /** Lists whose snapshot could not be read: never overwritten, so whatever it holds can still be recovered. */
  private readonly unreadable = new Set<string>();
  private readonly tabId = Math.random().toString(36).slice(2);
  private written = 0;

  constructor(
    private readonly context: SingleDatabaseContext,
    /** Called when a list has something new to snapshot. */
    private readonly changed: () => void,
  ) {}

  /** The list was read here with the snapshot `record`: this tab snapshots it from now on. */
  opened(listId: string, record: SnapshotRecord | undefined, changes: number): void {
    this.snapshotted.set(listId, record?.writer ?? null);
    this.markDirty(listId, changes);
  }

  has(listId: string): boolean {
    return this.snapshotted.has(listId);
  }

  /** The list's own document was unbound: the list is closed here. */
  forget(listId: string): void {
    if (this.snapshotted.delete(listId)) this.dirty.delete(listId);
  }

  markDirty(listId: string, changes: number): void {
    if (!this.snapshotted.has(listId) || changes === 0) return;
    this.dirty.set(listId, (this.dirty.get(listId) ?? 0) + changes);
    this.changed();
  }

  /** Lists with at least `changes` changes since their last snapshot. */
  dirtyLists(changes = 1): string[] {
    return [...this.dirty].filter(([, count]) => count >= changes).map(([listId]) => listId);
  }

  /** Decodes a list's snapshot record; an unreadable one is reported and kept aside (never overwritten). */
  decode(listId: string, record: SnapshotRecord | undefined): Map<string, SnapshotEntry> | null {
    if (record === undefined) return null;
    const entries = decodeListSnapshot(record);
    if (entries === null && !this.unreadable.has(listId)) {
      this.unreadable.add(listId);
      this.context.reportError(
        `the local snapshot of list ${listId} is unreadable: it is kept as it is, and the list's documents load without it`,
      );
    }
    return entries;
  }

  /** Merges everything stored for the list into one snapshot record, if anything was stored since the last one. */
  write(listId: string): Promise<void> {
    return this.context.writes.run(() =>
      this.writeNow(listId).catch((cause: unknown) => {
        this.markDirty(listId, 1);
        this.context.reportError(describeWriteFailure(cause), cause);
      }),
    );
  }

  private async writeNow(listId: string): Promise<void> {
    if (!this.dirty.has(listId) || this.unreadable.has(listId) || !this.snapshotted.has(listId)) return;
    this.dirty.delete(listId);
    const { bound: boundDocs, ownKeys } = this.context;
    const db = await this.context.db();
    const transaction = db.transaction([SNAPSHOTS, UPDATES, META], 'readwrite');
    const updates = transaction.objectStore(UPDATES);
    const metaStore = transaction.objectStore(META);
    const snapshots = transaction.objectStore(SNAPSHOTS);
    const [previous, keys, metaKeys, metaValues] = await Promise.all([
      requestResult(snapshots.get(listId)) as Promise<SnapshotRecord | undefined>,
      requestResult(updates.index(BY_DOC).getAllKeys(listRange(listId))),
      requestResult(metaStore.getAllKeys(metaRange(listId))),
      requestResult(metaStore.getAll(metaRange(listId))) as Promise<unknown[]>,
    ]);
    // Records this tab wrote or read are in its documents already: only the others' are read (thousands of small
    // values cost far more to read than their keys).
    const heldHere = (key: IDBValidKey) => boundDocs.get(ownKeys.get(key) ?? '')?.loaded === true;
    const unread = keys.filter((key) => !heldHere(key));
    const unreadRecords = (await Promise.all(unread.map((key) => requestResult(updates.get(key))))) as UpdateRecord[];
    const entries = previous === undefined ? new Map<string, SnapshotEntry>() : this.decode(listId, previous);
    if (entries === null) {
      transaction.abort();
      return;
    }
    const bound = [...boundDocs.values()].filter((binding) => binding.loaded && inList(listId, binding.name));
    if (previous !== undefined && previous.writer !== this.snapshotted.get(listId)) {
      // Another tab's snapshot replaced records this tab never read: its documents may hold edits ours lack.
      for (const binding of bound) {
        const entry = entries.get(binding.name);
        if (entry) Y.applyUpdate(binding.doc, entry.update, binding);
      }
    }
    const loose = new Map<string, Uint8Array[]>();
    const merged: IDBValidKey[] = keys.filter((key) => heldHere(key) && inList(listId, ownKeys.get(key) ?? ''));
    unreadRecords.forEach((record, i) => {
      const key = unread[i];
      if (!inList(listId, record.doc) || key === undefined) return;
      const binding = boundDocs.get(record.doc);
      if (binding?.loaded) Y.applyUpdate(binding.doc, record.update, binding);
      else {
        let list = loose.get(record.doc);
        if (!list) loose.set(record.doc, (list = []));
        list.push(record.update);
      }
      merged.push(key);
    });
    deleteKeys(updates, merged);
    for (const key of merged) ownKeys.delete(key);
    const metaByDoc = metaByDocument(listId, metaKeys, metaValues);
    const metaOf = (doc: string) => new Map([...(entries.get(doc)?.meta ?? []), ...(metaByDoc.get(doc) ?? [])]);
    for (const binding of bound) {
      const view = binding.view?.();
      entries.set(binding.name, {
        update: Y.encodeStateAsUpdate(binding.doc),
        meta: metaOf(binding.name),
        ...(view !== undefined && { view }),
      });
    }
    for (const [doc, list] of loose) {
      const prior = entries.get(doc);
      entries.set(doc, { update: Y.mergeUpdates(prior ? [prior.update, ...list] : list), meta: metaOf(doc) });
    }
    // Metadata now held by an entry leaves the meta store; metadata of a document with no state stays there. An entry
    // kept from the last snapshot (a document not bound here, such as a list shown from its snapshot's view) takes
    // its metadata written since too, or deleting it from the meta store would lose it.
    for (const [doc, meta] of metaByDoc) {
      const entry = entries.get(doc);
      if (!entry) continue;
      entries.set(doc, { update: entry.update, meta: metaOf(doc), ...(entry.view !== undefined && { view: entry.view }) });
      for (const name of meta.keys()) metaStore.delete([doc, name]);
    }
    const writer = `${this.tabId}:${++this.written}`;
    snapshots.put({ ...encodeListSnapshot(entries), writer } satisfies SnapshotRecord, listId);
    await transactionDone(transaction);
    this.snapshotted.set(listId, writer);
    for (const binding of bound) binding.compacted(0);
  }

  /** Removes one document from its list's snapshot, inside the caller's transaction. */
  async removeDocument(transaction: IDBTransaction, listId: string, name: string): Promise<void> {
    const snapshots = transaction.objectStore(SNAPSHOTS);
    const snapshot = (await requestResult(snapshots.get(listId))) as SnapshotRecord | undefined;
    const entries = this.decode(listId, snapshot);
    if (snapshot && entries?.delete(name)) {
      // Same writer: a tab whose documents held the old snapshot holds everything the new one does.
      snapshots.put({ ...encodeListSnapshot(entries), writer: snapshot.writer } satisfies SnapshotRecord, listId);
    }
  }
}

