import { sortedPosition } from '../model/entry-index.js';
import type { TaskId } from '../model/ids.js';
import type { ListEntry } from '../model/list-doc.js';

/** What the view reads: the list's entries and the tasks shown for them. */
export interface LiveViewHost<T> {
  entries(): readonly ListEntry[];
  entry(id: TaskId): ListEntry | undefined;
  inTrash(): Iterable<ListEntry>;
  /** The tasks whose entries changed since the last call; null: any may have. */
  takeChanged(): ReadonlySet<TaskId> | null;
  /** The task shown for an entry; undefined while its content has not arrived. */
  make(entry: ListEntry): T | undefined;
}

/**
 * The live tasks in list order and the trash, as `tasks()` and `trash()` return them, patched rather than rebuilt: a
 * change to one task (its fields, or its entry: a create, a move, a deletion) replaces that task at its place, found
 * by binary search. The array handed out is never changed afterwards; the next change after a read copies it once (n
 * references), so a burst of changes between two reads costs one copy, not a walk that makes every task again.
 */
export class LiveView<T extends { readonly id: TaskId; readonly order: string }> {
  private live: T[] = [];
  /** The task shown for each live id, as it sits in `live`. */
  private readonly shown = new Map<TaskId, T>();
  private handedOut = false;
  /** Tasks whose fields changed since the last read; null: make every task again. */
  private touched: Set<TaskId> | null = null;
  private trash: T[] | null = null;

  constructor(private readonly host: LiveViewHost<T>) {}

  /** A task's fields (or whether it can be shown) changed. */
  touch(id: TaskId): void {
    this.touched?.add(id);
    this.trash = null;
  }

  /** Anything may have changed: the next read makes every task again. */
  touchAll(): void {
    this.touched = null;
    this.trash = null;
  }

  /** The live tasks in list order. */
  read(): readonly T[] {
    const entries = this.host.takeChanged();
    const touched = this.touched;
    this.touched = new Set();
    if (entries === null || touched === null) this.rebuild();
    else if (entries.size + touched.size > 0) {
      if (entries.size > 0) this.trash = null;
      // Patching costs a binary search per task; past a fraction of the list, making it anew is cheaper.
      if (entries.size + touched.size > Math.max(64, this.live.length / 8)) this.rebuild();
      else for (const id of new Set([...entries, ...touched])) this.patch(id);
    }
    this.handedOut = true;
    return this.live;
  }

  /** The tasks in the trash, most recently deleted first. */
  readTrash(): readonly T[] {
    this.read();
    if (this.trash) return this.trash;
    const trash: Array<{ task: T; at: number }> = [];
    for (const entry of this.host.inTrash()) {
      const task = this.host.make(entry);
      if (task) trash.push({ task, at: entry.deleted!.at });
    }
    this.trash = trash.sort((a, b) => b.at - a.at).map(({ task }) => task);
    return this.trash;
  }

  private rebuild(): void {
    this.live = [];
    this.handedOut = false;
    this.shown.clear();
    this.trash = null;
    for (const entry of this.host.entries()) {
      if (entry.deleted) continue;
      const task = this.host.make(entry);
      if (!task) continue;
      this.live.push(task);
      this.shown.set(entry.id, task);
    }
  }

  private patch(id: TaskId): void {
    const before = this.shown.get(id);
    const entry = this.host.entry(id);
    const after = entry && !entry.deleted ? this.host.make(entry) : undefined;
    if (before === after) return;
    if (this.handedOut) {
      this.live = this.live.slice();
      this.handedOut = false;
    }
    if (before) this.live.splice(sortedPosition(this.live, before), 1);
    if (after) {
      this.live.splice(sortedPosition(this.live, after), 0, after);
      this.shown.set(id, after);
    } else this.shown.delete(id);
  }
}
