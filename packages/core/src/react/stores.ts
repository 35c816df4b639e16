import type { Concord } from '../store/concord.js';
import { sameClientStatus, type ConcordStatus } from '../store/client-status.js';
import { sameStatus, type ListSyncStatus } from '../store/list-status.js';
import type { Task, TaskList } from '../store/task-list.js';
import type { TaskId } from '../model/ids.js';
import { editorsByTask, Presence, type Peer } from '../bindings/presence.js';

/**
 * External stores for `useSyncExternalStore`, free of React: each holds one immutable snapshot that changes identity
 * only when it notifies, and notifies at most once per microtask however many sources fired (a list's task changes and
 * its status), only when the snapshot changed. Notifying in a microtask, not a later task, lets a controlled input
 * (a checkbox bound to `task.completed`) show the edit it made before the browser paints. Every component reading one
 * store reads the same snapshot, so none shows a newer state than another (no tearing).
 */
export interface ExternalStore<T> {
  readonly subscribe: (onChange: () => void) => () => void;
  readonly getSnapshot: () => T;
}

/** One notification per microtask, however many sources fired; listens to them only while someone subscribes. */
abstract class TurnStore<T> implements ExternalStore<T> {
  private readonly listeners = new Set<() => void>();
  private queued = false;
  private stop: (() => void) | null = null;
  protected snapshot: T;

  constructor(initial: T) {
    this.snapshot = initial;
  }

  readonly subscribe = (onChange: () => void): (() => void) => {
    this.listeners.add(onChange);
    if (this.stop === null) {
      this.stop = this.listen(this.changed);
      // Whatever changed while nobody listened shows now.
      this.refresh();
    }
    return () => {
      this.listeners.delete(onChange);
      if (this.listeners.size > 0 || this.stop === null) return;
      this.stop();
      this.stop = null;
    };
  };

  readonly getSnapshot = (): T => this.snapshot;

  /** Starts listening to the sources; returns the function that stops. */
  protected abstract listen(changed: () => void): () => void;
  /** The snapshot now, reusing what did not change. */
  protected abstract read(previous: T): T;

  private readonly changed = (): void => {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (this.stop !== null) this.refresh();
    });
  };

  private refresh(): void {
    const next = this.read(this.snapshot);
    if (next === this.snapshot) return;
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}

/** What `useTaskList` shows of an open list. */
export interface ListSnapshot {
  /** Live tasks in list order. */
  readonly tasks: readonly Task[];
  /** Deleted tasks that can be restored, most recently deleted first. */
  readonly trash: readonly Task[];
  readonly status: ListSyncStatus;
  /** Every task, live or in the trash, by id. */
  readonly byId: ReadonlyMap<TaskId, Task>;
}

export class ListStore extends TurnStore<ListSnapshot> {
  constructor(readonly list: TaskList) {
    super(readList(list, null));
  }

  protected listen(changed: () => void): () => void {
    const { list } = this;
    list.on('change', changed);
    list.on('status', changed);
    return () => {
      list.off('change', changed);
      list.off('status', changed);
    };
  }

  protected read(previous: ListSnapshot): ListSnapshot {
    return readList(this.list, previous);
  }
}

/**
 * A task's object is kept from the previous snapshot while its content is the same, so `useTask` and memoised rows
 * render only for their own task.
 */
function readList(list: TaskList, previous: ListSnapshot | null): ListSnapshot {
  const status = previous && sameStatus(previous.status, list.status) ? previous.status : list.status;
  const byId = new Map<TaskId, Task>();
  let changed = previous === null || status !== previous.status;
  const keep = (tasks: readonly Task[], before: readonly Task[] | undefined): readonly Task[] => {
    let same = before !== undefined && before.length === tasks.length;
    const kept = tasks.map((task, index) => {
      const old = previous?.byId.get(task.id);
      const shown = old && sameTask(old, task) ? old : task;
      byId.set(task.id, shown);
      if (before?.[index] !== shown) same = false;
      return shown;
    });
    if (same) return before!;
    changed = true;
    return kept;
  };
  const tasks = keep(list.isClosed ? [] : list.tasks(), previous?.tasks);
  const trash = keep(list.isClosed ? [] : list.trash(), previous?.trash);
  if (!changed && previous) return previous;
  return { tasks, trash, status, byId };
}

function sameTask(a: Task, b: Task): boolean {
  return (
    a.order === b.order &&
    a.title === b.title &&
    a.description === b.description &&
    a.completed === b.completed &&
    a.deleted?.at === b.deleted?.at &&
    a.deleted?.by === b.deleted?.by
  );
}

export class ConcordStatusStore extends TurnStore<ConcordStatus> {
  constructor(readonly concord: Concord) {
    super(concord.status);
  }

  protected listen(changed: () => void): () => void {
    this.concord.on('status', changed);
    return () => this.concord.off('status', changed);
  }

  protected read(previous: ConcordStatus): ConcordStatus {
    const status = this.concord.status;
    return sameClientStatus(status, previous) ? previous : status;
  }
}

/** What `usePresence` shows. */
export interface PresenceSnapshot {
  /** Everyone on the list, yourself first; only yourself while the list is offline (others' states would be stale). */
  readonly peers: readonly Peer[];
  /** The others editing each task, and which field. Empty while offline. */
  readonly editorsByTask: ReadonlyMap<TaskId, readonly Peer[]>;
}

export class PresenceStore extends TurnStore<PresenceSnapshot> {
  readonly presence: Presence;

  constructor(readonly list: TaskList) {
    const presence = new Presence(list.awareness);
    super(readPresence(presence, list));
    this.presence = presence;
  }

  protected listen(changed: () => void): () => void {
    const { list } = this;
    const stop = this.presence.onChange(changed);
    list.on('status', changed);
    return () => {
      stop();
      list.off('status', changed);
    };
  }

  protected read(previous: PresenceSnapshot): PresenceSnapshot {
    const next = readPresence(this.presence, this.list);
    return JSON.stringify(next.peers) === JSON.stringify(previous.peers) ? previous : next;
  }
}

function readPresence(presence: Presence, list: TaskList): PresenceSnapshot {
  const offline = list.isClosed || list.status.state === 'offline';
  const peers = offline ? presence.peers().filter((peer) => peer.self) : presence.peers();
  return { peers, editorsByTask: editorsByTask(peers) };
}

/** One store per list (or client), shared by every component that reads it. */
export function storeFor<K extends object, S>(cache: WeakMap<K, S>, key: K, create: (key: K) => S): S {
  let store = cache.get(key);
  if (!store) {
    store = create(key);
    cache.set(key, store);
  }
  return store;
}
