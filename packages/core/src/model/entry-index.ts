import type { TaskId } from './ids.js';
import { compareOrdered, type Ordered } from './order.js';

/** A task's place in its list, as the list document holds it. */
export interface ListEntry extends Ordered {
  readonly id: TaskId;
  /** Set while the task is in the trash: who deleted it and when. */
  readonly deleted?: { readonly at: number; readonly by: string };
}

/** Tasks that joined or left the list's entries since they were last taken; `full`: the entries were read anew. */
export interface Membership {
  readonly added: ReadonlySet<TaskId>;
  readonly removed: ReadonlySet<TaskId>;
  /** Everything was read again (first read, a stored view replaced, a large batch): compare every task. */
  readonly full: boolean;
}

/**
 * A list's entries in list order, kept sorted as single entries change: an entry that changed is found by binary
 * search and moved, so a create (a new last entry) costs O(log n) comparisons and an append, not a re-read and sort
 * of the whole list. The array handed out by `all()` is never changed afterwards (copy on write): the next change
 * after a read copies it once, so a burst of changes between two reads costs one copy.
 */
export class EntryIndex {
  private sorted: ListEntry[] = [];
  private readonly byId = new Map<TaskId, ListEntry>();
  private handedOut = false;
  private added = new Set<TaskId>();
  private removed = new Set<TaskId>();
  private full = true;
  /** Tasks whose entry changed in any way since `takeChanged` (null: all of them). */
  private changed: Set<TaskId> | null = null;
  /** The tasks in the trash. */
  private readonly trashed = new Set<TaskId>();

  get size(): number {
    return this.sorted.length;
  }

  get(id: TaskId): ListEntry | undefined {
    return this.byId.get(id);
  }

  /** Every entry in list order; the array stays as it is (later changes go to a copy). */
  all(): readonly ListEntry[] {
    this.handedOut = true;
    return this.sorted;
  }

  /** The last entry not in the trash. */
  lastLive(): ListEntry | undefined {
    for (let i = this.sorted.length - 1; i >= 0; i--) if (this.sorted[i]!.deleted === undefined) return this.sorted[i];
    return undefined;
  }

  /** The entries in the trash, in no particular order. */
  *inTrash(): Iterable<ListEntry> {
    for (const id of this.trashed) yield this.byId.get(id)!;
  }

  /** Replaces every entry (`entries` in any order). */
  reset(entries: ListEntry[]): void {
    this.sorted = entries.sort(compareOrdered);
    this.handedOut = false;
    this.byId.clear();
    this.trashed.clear();
    for (const entry of entries) {
      this.byId.set(entry.id, entry);
      if (entry.deleted) this.trashed.add(entry.id);
    }
    this.changed = null;
    this.full = true;
    this.added.clear();
    this.removed.clear();
  }

  /** The task's entry is now `next` (undefined: it has none, or none usable); an unchanged entry keeps its object. */
  set(id: TaskId, next: ListEntry | undefined): void {
    const previous = this.byId.get(id);
    if (previous && next && sameEntry(previous, next)) return;
    if (this.handedOut) {
      this.sorted = this.sorted.slice();
      this.handedOut = false;
    }
    if (previous) this.sorted.splice(this.position(previous), 1);
    if (next) {
      this.sorted.splice(this.position(next), 0, next);
      this.byId.set(id, next);
    } else this.byId.delete(id);
    if (next?.deleted) this.trashed.add(id);
    else this.trashed.delete(id);
    this.changed?.add(id);
    if (!previous && next) {
      if (!this.removed.delete(id)) this.added.add(id);
    } else if (previous && !next && !this.added.delete(id)) this.removed.add(id);
  }

  /** The tasks that joined or left since the last call. */
  takeMembership(): Membership {
    const membership = { added: this.added, removed: this.removed, full: this.full };
    this.added = new Set();
    this.removed = new Set();
    this.full = false;
    return membership;
  }

  /** The tasks whose entries changed since the last call; null: every entry may have (they were read anew). */
  takeChanged(): ReadonlySet<TaskId> | null {
    const changed = this.changed;
    this.changed = new Set();
    return changed;
  }

  /** Where `entry` is, or would go, in the sorted entries: the first position not ordered before it. */
  private position(entry: ListEntry): number {
    return sortedPosition(this.sorted, entry);
  }
}

/** Where `item` is, or would go, in `sorted` (ordered by `compareOrdered`): the first position not ordered before it. */
export function sortedPosition(sorted: readonly Ordered[], item: Ordered): number {
  // Most changes are a new last item: check the end first.
  if (sorted.length === 0 || compareOrdered(sorted[sorted.length - 1]!, item) < 0) return sorted.length;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareOrdered(sorted[middle]!, item) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function sameEntry(a: ListEntry, b: ListEntry): boolean {
  return a.order === b.order && a.deleted?.at === b.deleted?.at && a.deleted?.by === b.deleted?.by;
}
