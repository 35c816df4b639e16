import { ObservableV2 } from 'lib0/observable';
import { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import { asTaskId, newTaskId, taskDocName, type ListId, type TaskId } from '../model/ids.js';
import { ListDoc, listView, type ListEntry } from '../model/list-doc.js';
import type { TaskFields, TaskPatch } from '../model/task-doc.js';
import type { PersistedDocument, PersistenceAdapter, PrefetchedList } from '../persistence/persistence.js';
import type { SyncDocument, SyncStatus, Transport } from '../transport/transport.js';
import { TabSync } from './tab-sync.js';
import { TaskSlot, taskView } from './task-slot.js';

/** A task as a UI shows it: its list entry and its fields. */
export interface Task extends TaskFields {
  readonly id: TaskId;
  /** The fractional order key; tasks are listed by (order, id). */
  readonly order: string;
  /** Set while the task is in the trash. */
  readonly deleted?: { readonly at: number; readonly by: string };
}

export interface NewTask {
  readonly title?: string;
  readonly description?: string;
  readonly completed?: boolean;
  /** Place the task right after this one (null: first). Default: last. */
  readonly after?: TaskId | null;
}

export interface TaskListEvents {
  /** The tasks changed, by a local edit or one from elsewhere. Fires at most once per microtask. */
  change: (tasks: readonly Task[]) => void;
  status: (status: SyncStatus) => void;
  /** A failure that loses nothing already made but needs attention (local storage full, an update refused). */
  error: (error: Error) => void;
}

export interface TaskListContext {
  readonly persistence: PersistenceAdapter;
  readonly transport: Transport | null;
  readonly userId: string;
  readonly now: () => number;
  readonly onClose: (list: TaskList) => void;
  /** Keep other tabs of this browser with the same list open in step through a BroadcastChannel. */
  readonly syncTabs: boolean;
}

const CONFIRMED_META = 'confirmed';
/** Background hydration applies task documents for this long, then lets the page paint and handle input. */
const HYDRATE_SLICE_MS = 8;
const OFFLINE: SyncStatus = { state: 'offline', pendingChanges: 0, lastSyncedAt: null };

/**
 * An open task list: the facade a UI uses. Reads are synchronous snapshots; writes apply locally at once (persisted in
 * the background and synced when online) and never wait on the network.
 */
export class TaskList extends ObservableV2<TaskListEvents> {
  readonly awareness: Awareness;
  /**
   * Resolves once every document of the list is applied from local storage and handed to sync. `openList` resolves
   * earlier when the list can be shown from a snapshot.
   */
  documentsLoaded: Promise<void> = Promise.resolve();
  private readonly list: ListDoc;
  private readonly slots = new Map<TaskId, TaskSlot>();
  private listPersisted: PersistedDocument | null = null;
  /** What local storage read of the list, until every task shown from its stored view has its document applied. */
  private prefetched: PrefetchedList | null = null;
  private snapshot: { live: Task[]; trash: Task[] } | null = null;
  private changeQueued = false;
  private closed = false;
  /** Until `load` has handed the stored tasks to the transport in one batch, tasks found on the way wait for it. */
  private loaded = false;
  private syncingList = false;
  /** While the list document's stored state is applied, `load` (not each update) opens the tasks it lists. */
  private bindingList = false;
  /** Set once every document found at load is handed to the transport. */
  private allSyncing = false;
  /** The list document's binding to local storage, once asked for. */
  private listLoading: Promise<void> | null = null;
  private readonly origin = { list: this };
  private readonly tabs: TabSync | null;

  /** Use `Concord.openList`. */
  constructor(
    readonly id: ListId,
    private readonly listDoc: Y.Doc,
    private readonly context: TaskListContext,
  ) {
    super();
    this.tabs = context.syncTabs && TabSync.available ? new TabSync(id) : null;
    this.list = new ListDoc(listDoc);
    this.awareness = new Awareness(listDoc);
    // Not 'update': with no update listener, Yjs need not encode the stored state back into an event when it is applied.
    listDoc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.changed.size > 0) this.onListChanged();
    });
    context.transport?.on('status', this.forwardStatus);
    context.transport?.on('confirmed', this.persistConfirmed);
    context.transport?.on('error', this.forwardError);
    context.persistence.on('error', this.forwardError);
  }

  /**
   * Loads the list and every task from local storage, then starts syncing them. Called once by `Concord.openList`.
   * What the storage holds a view of (a snapshot's copy of the list's entries, of a task's fields) is shown from it at
   * once, and its document applied in the background, a few milliseconds at a time, or at once when an edit needs it;
   * sync starts once every document is applied (`documentsLoaded`).
   */
  async load(): Promise<void> {
    const prefetched = (await this.context.persistence.prefetch?.(this.id)) ?? null;
    this.prefetched = prefetched;
    try {
      const entries = listView(prefetched?.documents.get(this.id)?.view);
      if (entries) this.list.showStored(entries);
      else await this.hydrateList();
      const slots = this.list.entries().map((entry) => {
        const stored = prefetched?.documents.get(taskDocName(this.id, entry.id));
        return this.openSlot(entry.id, taskView(stored?.view));
      });
      await Promise.allSettled(slots.map((slot) => slot.whenLoaded));
    } catch (error) {
      this.releasePrefetched();
      throw error;
    }
    this.loaded = true;
    this.queueChange();
    if (this.listPersisted && ![...this.slots.values()].some((slot) => slot.state === 'dormant')) {
      this.releasePrefetched();
      this.documentsLoaded = this.startSync([...this.slots.values()]).then(() => void (this.allSyncing = true));
      return this.documentsLoaded;
    }
    this.documentsLoaded = this.hydrateInBackground();
    this.documentsLoaded.catch((error: unknown) => this.emit('error', [asError(error)]));
  }

  /** Binds the list document to local storage (applying what it holds) if not done yet. */
  private hydrateList(): Promise<void> {
    if (!this.listLoading && !this.closed) {
      this.bindingList = true;
      try {
        const bound = this.context.persistence.bind(this.id, this.listDoc, { view: () => this.list.entries() });
        this.listLoading = bound.then((persisted) => void (this.listPersisted = persisted));
        // Callers that do not wait (an edit) must not leave a rejection unhandled; `load` awaits and reports it.
        this.listLoading.catch(() => undefined);
      } finally {
        this.bindingList = false;
      }
    }
    return this.listLoading ?? Promise.resolve();
  }

  private async hydrateInBackground(): Promise<void> {
    await nextIdleSlice();
    if (this.closed) return;
    if (!this.listPersisted) {
      await this.hydrateList();
      // Entries the stored view did not show (none, unless storage changed under it) get their tasks now.
      this.onListChanged();
    }
    let remaining = true;
    while (remaining) {
      await nextIdleSlice();
      if (this.closed) return;
      const started = performance.now();
      remaining = false;
      for (const slot of this.slots.values()) {
        if (slot.state !== 'dormant') continue;
        if (performance.now() - started > HYDRATE_SLICE_MS) {
          remaining = true;
          break;
        }
        slot.hydrate();
      }
    }
    await Promise.allSettled([...this.slots.values()].map((slot) => slot.whenLoaded));
    this.releasePrefetched();
    await this.startSync([...this.slots.values()]);
    this.allSyncing = true;
  }

  private releasePrefetched(): void {
    this.prefetched?.release();
    this.prefetched = null;
  }

  /** The list's Yjs document (membership and order), applied from local storage if it was not yet. */
  get doc(): Y.Doc {
    void this.hydrateList();
    return this.listDoc;
  }

  get status(): SyncStatus {
    return this.listStatus(this.context.transport?.status ?? OFFLINE);
  }

  /** Live tasks in list order. */
  tasks(): readonly Task[] {
    return this.snapshotNow().live;
  }

  /** Deleted tasks that can still be restored, most recently deleted first. */
  trash(): readonly Task[] {
    return this.snapshotNow().trash;
  }

  get(id: TaskId): Task | undefined {
    const entry = this.list.entries().find((candidate) => candidate.id === id);
    return entry && this.toTask(entry);
  }

  create(input: NewTask = {}): TaskId {
    this.assertOpen();
    void this.hydrateList();
    const id = newTaskId();
    const slot = this.openSlot(id);
    slot.task.initialise(input, this.context.now(), this.origin);
    this.list.add(id, this.origin);
    if (input.after !== undefined) this.list.move(id, input.after, this.origin);
    void slot.whenLoaded.then(() => this.startSync([slot]));
    return id;
  }

  update(id: TaskId, patch: TaskPatch): void {
    this.slotOf(id).task.update(patch, this.context.now(), this.origin);
  }

  /** Moves a live task right after `after` (null: to the top). */
  move(id: TaskId, after: TaskId | null): void {
    this.slotOf(id);
    if (after !== null) this.slotOf(after);
    void this.hydrateList();
    this.list.move(id, after, this.origin);
  }

  /** Moves a task to the trash. Edits made concurrently elsewhere are kept for a restore. */
  delete(id: TaskId): void {
    this.slotOf(id);
    void this.hydrateList();
    this.list.markDeleted(id, this.context.userId, this.context.now(), this.origin);
  }

  restore(id: TaskId): void {
    this.slotOf(id);
    void this.hydrateList();
    this.list.restore(id, this.origin);
  }

  /** Deletes a task for good, here and on every replica, and clears its local storage. */
  async purge(id: TaskId): Promise<void> {
    this.slotOf(id);
    void this.hydrateList();
    this.list.purge(id, this.origin);
    await this.dropSlot(id);
  }

  /** The shared text of a task's title or description, for binding to an editor. */
  text(id: TaskId, field: 'title' | 'description'): Y.Text {
    const task = this.slotOf(id).task;
    return field === 'title' ? task.title : task.description;
  }

  /** Calls `listener` with the current tasks now and after every change; returns the unsubscribe function. */
  subscribe(listener: (tasks: readonly Task[]) => void): () => void {
    this.on('change', listener);
    listener(this.tasks());
    return () => this.off('change', listener);
  }

  /** Resolves once every change made so far is in local storage. */
  async flush(): Promise<void> {
    const { persistence } = this.context;
    if (persistence.flush) return persistence.flush();
    await Promise.all([this.listPersisted?.flush(), ...[...this.slots.values()].map((slot) => slot.persistedDocument?.flush())]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const transport = this.context.transport;
    transport?.off('status', this.forwardStatus);
    transport?.off('confirmed', this.persistConfirmed);
    transport?.off('error', this.forwardError);
    this.context.persistence.off('error', this.forwardError);
    transport?.remove([this.id, ...[...this.slots.values()].map((slot) => slot.name)]);
    this.tabs?.destroy();
    this.releasePrefetched();
    await this.flush();
    // While the documents are still bound: the snapshot encodes them as they are.
    await this.context.persistence.snapshotList?.(this.id);
    await Promise.all([...this.slots.values()].map((slot) => slot.close()));
    this.slots.clear();
    await this.listPersisted?.unbind();
    this.awareness.destroy();
    this.listDoc.destroy();
    this.context.onClose(this);
    this.destroy();
  }

  private openSlot(id: TaskId, view: TaskFields | null = null): TaskSlot {
    let slot = this.slots.get(id);
    if (!slot) {
      slot = new TaskSlot(
        this.id,
        id,
        this.context.persistence,
        { changed: (changed) => this.onTaskChanged(changed), failed: (error) => this.emit('error', [asError(error)]) },
        view,
      );
      this.slots.set(id, slot);
    }
    return slot;
  }

  private async dropSlot(id: TaskId): Promise<void> {
    const slot = this.slots.get(id);
    if (!slot) return;
    this.slots.delete(id);
    this.context.transport?.remove([slot.name]);
    this.tabs?.remove(slot.name);
    await slot.close();
    await this.context.persistence.clear(slot.name);
  }

  /** Hands loaded documents to the transport with the clocks the relay last confirmed for each. */
  private async startSync(slots: readonly TaskSlot[]): Promise<void> {
    if (this.closed) return;
    this.tabs?.add([
      { name: this.id, doc: this.listDoc },
      ...slots.filter((slot) => slot.state === 'ready').map((slot) => ({ name: slot.name, doc: slot.doc })),
    ]);
    const transport = this.context.transport;
    if (!transport) return;
    const pending: Array<Promise<SyncDocument>> = [];
    if (this.listPersisted && !this.syncingList) {
      this.syncingList = true;
      pending.push(this.syncDocument(this.id, this.listDoc, this.listPersisted, this.awareness));
    }
    for (const slot of slots) {
      if (slot.state === 'ready' && slot.persistedDocument) pending.push(this.syncDocument(slot.name, slot.doc, slot.persistedDocument));
    }
    const documents = await Promise.all(pending);
    if (!this.closed) transport.add(documents);
  }

  private async syncDocument(name: string, doc: Y.Doc, persisted: PersistedDocument, awareness?: Awareness): Promise<SyncDocument> {
    const confirmed = await persisted.getMeta(CONFIRMED_META);
    return { name, doc, ...(awareness && { awareness }), ...(confirmed && { confirmed }) };
  }

  private readonly persistConfirmed = (name: string, stateVector: Uint8Array): void => {
    const persisted = name === this.id ? this.listPersisted : this.slotByName(name)?.persistedDocument;
    persisted?.setMeta(CONFIRMED_META, stateVector).catch((error: unknown) => this.emit('error', [asError(error)]));
  };

  private readonly forwardStatus = (status: SyncStatus): void => this.emit('status', [this.listStatus(status)]);

  /** The transport may be synced before this list's documents are all handed to it: the list is not, yet. */
  private listStatus(status: SyncStatus): SyncStatus {
    return status.state === 'synced' && !this.allSyncing ? { ...status, state: 'syncing' } : status;
  }
  private readonly forwardError = (error: Error): void => this.emit('error', [error]);

  private slotByName(name: string): TaskSlot | undefined {
    const prefix = `${this.id}/`;
    if (!name.startsWith(prefix)) return undefined;
    return this.slots.get(name.slice(prefix.length) as TaskId);
  }

  private onListChanged(): void {
    if (this.closed) return;
    if (this.bindingList) return this.queueChange();
    const entries = this.list.entries();
    const known = new Set<TaskId>();
    const added: TaskSlot[] = [];
    for (const entry of entries) {
      known.add(entry.id);
      if (!this.slots.has(entry.id)) added.push(this.openSlot(entry.id));
    }
    if (this.loaded) for (const slot of added) void slot.whenLoaded.then(() => this.startSync([slot]));
    // A task purged elsewhere: release and clear it here too.
    for (const id of [...this.slots.keys()]) {
      if (!known.has(id)) void this.dropSlot(id).catch((error: unknown) => this.emit('error', [asError(error)]));
    }
    this.queueChange();
  }

  private onTaskChanged(_slot: TaskSlot): void {
    if (!this.closed) this.queueChange();
  }

  private queueChange(): void {
    this.snapshot = null;
    // While loading, each task's stored state arrives in its own microtask: one notification when all are in, not a
    // snapshot of the whole list per task (quadratic for a large list).
    if (this.changeQueued || !this.loaded) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      if (!this.closed && this._observers.has('change')) this.emit('change', [this.tasks()]);
    });
  }

  private snapshotNow(): { live: Task[]; trash: Task[] } {
    if (this.snapshot) return this.snapshot;
    const live: Task[] = [];
    const trash: Task[] = [];
    for (const entry of this.list.entries()) {
      const task = this.toTask(entry);
      if (task) (entry.deleted ? trash : live).push(task);
    }
    trash.sort((a, b) => (b.deleted?.at ?? 0) - (a.deleted?.at ?? 0));
    this.snapshot = { live, trash };
    return this.snapshot;
  }

  private toTask(entry: ListEntry): Task | undefined {
    const slot = this.slots.get(entry.id);
    if (!slot) return undefined;
    return { id: entry.id, order: entry.order, ...(entry.deleted && { deleted: entry.deleted }), ...slot.fields() };
  }

  private slotOf(id: TaskId): TaskSlot {
    this.assertOpen();
    const slot = this.slots.get(asTaskId(id));
    if (!slot) throw new ConcordError(ConcordErrorCode.UnknownTask, `no task ${id} in list ${this.id}`);
    return slot;
  }

  private assertOpen(): void {
    if (this.closed) throw new ConcordError(ConcordErrorCode.ListClosed, `list ${this.id} is closed`);
  }
}

/**
 * Resolves when the page is idle (after it rendered what the list shows), or after 250 ms at the latest; at once where
 * there is no `requestIdleCallback` (Node).
 */
function nextIdleSlice(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 250 });
    else setTimeout(resolve, 0);
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
