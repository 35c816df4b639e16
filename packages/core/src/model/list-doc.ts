import * as Y from 'yjs';
import { authorOf, unverified, writerOf, type Author, type Verifier } from '../attribution/authors.js';
import { isValidId, type TaskId } from './ids.js';
import { EntryIndex, type ListEntry, type Membership } from './entry-index.js';
import { keyAtEnd, keysForMove } from './order.js';

export type { ListEntry } from './entry-index.js';

/** A value an entry map holds. */
export type EntryValue = string | number | Uint8Array | readonly [string, number, number];
/** One task's entry in the list document: its order key, trash marks and each replica's last move. */
export type EntryMap = Y.Map<EntryValue>;

/** The key under which an entry keeps the last move its replica (Yjs client id) made: `[order, at, clock]`. */
export function moveKey(client: number): string {
  return `m${client}`;
}

/**
 * A list's Yjs document: `tasks` maps each task id to an entry map { order, deletedAt?, deletedBy?, deletedSaw?,
 * restoredAt?, m<client>? }. `deletedSaw` is the task document's state vector as the deleter saw it (so a change the
 * deletion had not seen can be named); `m<client>` keeps each replica's last move (`[order, at, clock of the order
 * item]`), so a move that a concurrent one replaced can be named and made again.
 * Entries are maps rather than plain objects so a move and a delete of the same task made concurrently both apply.
 * Deleting is a tombstone here while edits land in the task's own document: delete wins over a concurrent edit, and
 * restoring brings the edit back. Purging removes the entry; a purged task never comes back through a concurrent move.
 */
export class ListDoc {
  /** Which claims of this document a relay confirmed (see `Author.verified`). */
  verify: Verifier = unverified;
  /** Entries in order, kept sorted as they change (see `EntryIndex`). */
  private readonly index = new EntryIndex();
  /** Entries changed since the index was last brought up to date; 'all': read every entry again. */
  private dirty: Set<TaskId> | 'all' = 'all';
  /** The index holds a stored view's entries, not the document's (see `showStored`). */
  private showingStored = false;

  constructor(readonly doc: Y.Doc) {
    this.tasks.observeDeep((events) => {
      const dirty = this.dirty;
      if (dirty === 'all') return;
      if (this.showingStored) {
        this.dirty = 'all';
        return;
      }
      for (const event of events) {
        if (event.target === this.tasks) for (const key of (event as Y.YMapEvent<EntryMap>).keysChanged) dirty.add(key as TaskId);
        else dirty.add(event.path[0] as TaskId);
      }
      // A batch touching a large part of the list (a list arriving from the relay) is read and sorted once.
      if (dirty.size > Math.max(64, this.index.size / 8)) this.dirty = 'all';
    });
  }

  /** The list's entries by task id, as the document holds them. */
  get tasks(): Y.Map<EntryMap> {
    return this.doc.getMap<EntryMap>('tasks');
  }

  /**
   * Until the document's stored state is applied (any change to `tasks` ends this), `entries()` returns these: a
   * snapshot's copy of the entries, so a large list shows before its document is applied.
   */
  showStored(entries: readonly ListEntry[]): void {
    this.index.reset([...entries]);
    this.dirty = new Set();
    this.showingStored = true;
  }

  /** Whether the list has an entry for the task (live or in the trash). */
  has(id: TaskId): boolean {
    return this.tasks.has(id);
  }

  /** Every entry, live and deleted, in list order. The array never changes afterwards: a change makes a new one. */
  entries(): readonly ListEntry[] {
    return this.current().all();
  }

  /** The task's entry (live or in the trash), if it has a usable one. */
  entry(id: TaskId): ListEntry | undefined {
    return this.current().get(id);
  }

  /**
   * The tasks whose entries changed since the last call; null: any may have. One reader (the list's shown tasks).
   * @internal
   */
  takeChanged(): ReadonlySet<TaskId> | null {
    return this.current().takeChanged();
  }

  /** The entries in the trash, in no particular order. */
  inTrash(): Iterable<ListEntry> {
    return this.current().inTrash();
  }

  /**
   * The tasks whose entries appeared or went since the last call (`full`: compare every task). One reader (the list's
   * task slots).
   * @internal
   */
  takeMembership(): Membership {
    return this.current().takeMembership();
  }

  /** The index, brought up to date with the document. */
  private current(): EntryIndex {
    const dirty = this.dirty;
    if (dirty === 'all') {
      this.showingStored = false;
      const entries: ListEntry[] = [];
      for (const [id, entry] of this.tasks) {
        const read = readEntry(id as TaskId, entry);
        if (read) entries.push(read);
      }
      this.index.reset(entries);
      this.dirty = new Set();
    } else if (dirty.size > 0) {
      for (const id of dirty) {
        const entry = this.tasks.get(id);
        this.index.set(id, entry && readEntry(id, entry));
      }
      dirty.clear();
    }
    return this.index;
  }

  /** Who deleted a task in the trash: the writer of its `deletedAt`, else the name the entry recorded (unverified). */
  deleter(id: TaskId): Author | undefined {
    const entry = this.tasks.get(id);
    const by = entry?.get('deletedBy');
    const declared = typeof by === 'string' && by !== '' ? { user: by, verified: false } : undefined;
    return (entry && authorOf(this.doc, writerOf(entry, 'deletedAt'), this.verify)) ?? declared;
  }

  /** The entries not in the trash, in list order. */
  live(): ListEntry[] {
    return this.entries().filter((entry) => entry.deleted === undefined);
  }

  /** Adds an entry for a new task, last in the list. */
  add(id: TaskId, origin: unknown): void {
    this.doc.transact(() => {
      const entry = new Y.Map<EntryValue>();
      const last = this.current().lastLive();
      entry.set('order', keyAtEnd(last ? [last] : []));
      this.tasks.set(id, entry);
    }, origin);
  }

  /** Places `id` right after `afterId` among the live tasks (first when null). */
  move(id: TaskId, afterId: TaskId | null, now: number, origin: unknown): void {
    this.setOrder(id, keysForMove(this.live(), id, afterId), now, origin);
  }

  /** Gives `id` the order key `order` (a move made again, say), recorded as a move. */
  moveTo(id: TaskId, order: string, now: number, origin: unknown): void {
    this.setOrder(id, new Map([[id, order]]), now, origin);
  }

  private setOrder(id: TaskId, keys: ReadonlyMap<TaskId | string, string>, now: number, origin: unknown): void {
    this.doc.transact(() => {
      for (const [taskId, order] of keys) this.tasks.get(taskId)?.set('order', order);
      const entry = this.tasks.get(id);
      const item = entry?._map.get('order');
      const order = keys.get(id);
      if (entry && item && order !== undefined) entry.set(moveKey(this.doc.clientID), [order, now, item.id.clock]);
    }, origin);
  }

  /** `saw`: the task document's state vector as the deleter sees it. */
  markDeleted(id: TaskId, by: string, now: number, origin: unknown, saw?: Uint8Array): void {
    this.doc.transact(() => {
      const entry = this.tasks.get(id);
      entry?.set('deletedAt', now);
      entry?.set('deletedBy', by);
      if (saw) entry?.set('deletedSaw', saw);
    }, origin);
  }

  /** Takes the task out of the trash, back to its place. */
  restore(id: TaskId, now: number, origin: unknown): void {
    this.doc.transact(() => {
      const entry = this.tasks.get(id);
      if (!entry || !entry.has('deletedAt')) return;
      entry.delete('deletedAt');
      entry.delete('deletedBy');
      entry.delete('deletedSaw');
      entry.set('restoredAt', now);
    }, origin);
  }

  /** Removes the task's entry for good. */
  purge(id: TaskId, origin: unknown): void {
    this.doc.transact(() => this.tasks.delete(id), origin);
  }
}

/** An entry as `entries()` lists it; undefined when its order has not arrived (it is unusable until then). */
function readEntry(id: TaskId, entry: EntryMap): ListEntry | undefined {
  const order = entry.get('order');
  // A valid entry always carries its order from its first transaction.
  if (typeof order !== 'string') return undefined;
  const at = entry.get('deletedAt');
  const by = entry.get('deletedBy');
  return typeof at === 'number' ? { id, order, deleted: { at, by: String(by ?? '') } } : { id, order };
}

/** A stored copy of a list's entries, checked: anything else is none (the list document is then applied first). */
export function listView(view: unknown): ListEntry[] | null {
  if (!Array.isArray(view)) return null;
  const entries: ListEntry[] = [];
  for (const item of view as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const { id, order, deleted } = item as Record<string, unknown>;
    if (typeof id !== 'string' || !isValidId(id) || typeof order !== 'string') return null;
    if (deleted === undefined) {
      entries.push({ id: id as TaskId, order });
      continue;
    }
    const { at, by } = (deleted ?? {}) as Record<string, unknown>;
    if (typeof at !== 'number' || typeof by !== 'string') return null;
    entries.push({ id: id as TaskId, order, deleted: { at, by } });
  }
  return entries;
}
