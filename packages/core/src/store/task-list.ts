// Over 300 lines: the public facade a UI calls (each operation a few lines, with its TSDoc); loading from storage lives
// in list-hydrator.ts, sync and status in sync-coordinator.ts and list-status.ts, a task's lifecycle in task-slot.ts.
import { ObservableV2 } from 'lib0/observable';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ActivityFeed } from '../activity/feed.js';
import type { ActivityEvent } from '../activity/events.js';
import { claimAuthorship, type Author } from '../attribution/authors.js';
import { VerifiedClients } from '../attribution/verified-clients.js';
import { ConcordError, ConcordErrorCode, InvalidFieldError } from '../errors/concord-error.js';
import { asTaskId, newTaskId, taskDocName, type ListId, type TaskId } from '../model/ids.js';
import { ListDoc, type ListEntry } from '../model/list-doc.js';
import type { CompiledSchema } from '../model/schema/define.js';
import { runQuery, type TaskQuery } from '../model/schema/query.js';
import type { FieldProblem } from '../model/schema/task-fields.js';
import type { FieldPatch, FieldSpecs, FieldValues } from '../model/schema/types.js';
import { checkPatch } from '../model/schema/validate.js';
import type { BaseTaskPatch, StoredTaskFields, TaskFields } from '../model/task-doc.js';
import type { TaskDoc } from '../model/task-doc.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import type { TextSplice } from '../text-merge/edit.js';
import type { Transport } from '../transport/transport.js';
import { onlyDeleted, tasksDeletedIn, type ListSyncStatus } from './list-status.js';
import { followActivity } from './list-activity.js';
import { ListHydrator } from './list-hydrator.js';
import { SchemaUpgrade, type ListSchemaInfo } from './schema-upgrade.js';
import { asError, SyncCoordinator } from './sync-coordinator.js';
import { TaskSlot } from './task-slot.js';
import { UndoHistory } from '../undo/undo-history.js';
import { ListHistory, type ListVersion, type TaskVersion } from '../history/list-history.js';
import type { UndoOptions, UndoResult, UndoState } from '../undo/undo-types.js';

/** No declared fields: the type of a list opened without a schema. */
export type NoFields = Record<never, never>;

/** A task as a UI shows it: its list entry, its built-in fields and those the schema declares. */
export type Task<F extends FieldSpecs = NoFields> = BaseTask & FieldValues<F>;

/** A patch of a task: built-in fields and those the schema declares (`null` clears a register). */
export type TypedTaskPatch<F extends FieldSpecs = NoFields> = BaseTaskPatch & FieldPatch<F>;

/** A task's list entry and built-in fields. */
export interface BaseTask extends TaskFields {
  readonly id: TaskId;
  /** The fractional order key; tasks are listed by (order, id). */
  readonly order: string;
  /** Set while the task is in the trash. */
  readonly deleted?: { readonly at: number; readonly by: string };
  /** While in the trash: who deleted it (from the documents' claims) and when. */
  readonly deletedBy?: Author;
  readonly deletedAt?: number;
}

/** The fields and place of a task `list.create` makes; every field is optional. */
export type NewTask<F extends FieldSpecs = NoFields> = NewBaseTask & FieldPatch<F>;

/** The built-in fields and place of a new task. */
export interface NewBaseTask {
  readonly title?: string;
  readonly description?: string;
  readonly completed?: boolean;
  /** Place the task right after this one (null: first). Default: last. */
  readonly after?: TaskId | null;
}

/** A value another replica wrote that does not fit this replica's schema: the task shows the field as absent. */
export interface InvalidFieldReport {
  readonly taskId: TaskId;
  readonly field: string;
  readonly reason: string;
  readonly value: unknown;
}

/** Events of an open `TaskList`. */
export interface TaskListEvents<F extends FieldSpecs = NoFields> {
  /** The tasks changed, by a local edit or one from elsewhere. Fires at most once per microtask. */
  change: (tasks: readonly Task<F>[]) => void;
  /** A task holds a value that does not fit the schema (shown as absent); each written value is reported once. */
  invalidField: (report: InvalidFieldReport) => void;
  /** The list was written by a newer version of the app (`schema` tells which); fires once. */
  newerSchema: (info: ListSchemaInfo) => void;
  /** The list's sync status changed; at most once per event-loop turn. */
  status: (status: ListSyncStatus) => void;
  /** A failure that loses nothing already made but needs attention (local storage full, an update refused). */
  error: (error: Error) => void;
  /** The undo or redo stack changed (`canUndo`, `canRedo`, the next steps). */
  undo: (state: UndoState) => void;
}

export interface TaskListContext {
  readonly persistence: PersistenceAdapter;
  readonly transport: Transport | null;
  readonly userId: string;
  readonly now: () => number;
  readonly onClose: () => void;
  /** Keep other tabs of this browser with the same list open in step through a BroadcastChannel. */
  readonly syncTabs: boolean;
  readonly undo?: UndoOptions;
  readonly schema: CompiledSchema;
}

/**
 * An open task list: the facade a UI uses. Reads are synchronous snapshots; writes apply locally at once (persisted in
 * the background and synced when online) and never wait on the network.
 */
export class TaskList<F extends FieldSpecs = NoFields> extends ObservableV2<TaskListEvents<F>> {
  readonly awareness: Awareness;
  /**
   * Resolves once every document of the list is applied from local storage and handed to sync. `openList` resolves
   * earlier when the list can be shown from a snapshot.
   */
  documentsLoaded: Promise<void> = Promise.resolve();
  private readonly list: ListDoc;
  private readonly slots = new Map<TaskId, TaskSlot>();
  private readonly hydrator: ListHydrator;
  private readonly sync: SyncCoordinator;
  private readonly undoHistory: UndoHistory;
  private readonly relayHistory: ListHistory;
  private snapshot: { live: Task<F>[]; trash: Task<F>[] } | null = null;
  private readonly upgrade: SchemaUpgrade;
  /** Invalid values reported so far (task, field, written value), so each is reported once. */
  private readonly reportedInvalid = new Set<string>();
  /** Names a query may use: the task's built-in fields and the declared ones. */
  private readonly queryFields: ReadonlySet<string>;
  private changeQueued = false;
  private readonly changeListeners = new Set<unknown>();
  private closed = false;
  /** Until `load` has handed the stored tasks to the transport in one batch, tasks found on the way wait for it. */
  private loaded = false;
  private readonly origin = { list: this };
  private readonly forwardError = (error: Error): void => this.emit('error', [error]);
  private readonly feed: ActivityFeed;
  /** Which claims of the list's documents the relay confirmed. */
  private readonly verified: VerifiedClients;
  private readonly stopVerifying: () => void;

  /** Use `Concord.openList`.
   * @internal
   */
  constructor(
    readonly id: ListId,
    private readonly listDoc: Y.Doc,
    private readonly context: TaskListContext,
  ) {
    super();
    this.list = new ListDoc(listDoc);
    this.awareness = new Awareness(listDoc);
    this.hydrator = new ListHydrator({
      id,
      listDoc,
      list: this.list,
      persistence: context.persistence,
      isClosed: () => this.closed,
      slots: this.slots,
      openSlot: (taskId, view) => this.openSlot(taskId, view),
      listChanged: () => this.onListChanged(),
    });
    this.sync = new SyncCoordinator(
      {
        id,
        listDoc,
        awareness: this.awareness,
        isClosed: () => this.closed,
        listPersisted: () => this.hydrator.listPersisted,
        slots: this.slots,
        storedLocally: () => this.hydrator.storedLocally,
        slotByName: (name) => this.slotByName(name),
        emitStatus: (status) => this.emit('status', [status]),
        emitError: this.forwardError,
      },
      context.transport,
      context.syncTabs,
    );
    this.undoHistory = new UndoHistory(
      {
        listId: id,
        persistence: context.persistence,
        now: context.now,
        origin: this.origin,
        docOf: (name) => (name === id ? this.doc : (this.slotByName(name)?.doc ?? null)),
        softDelete: (taskId, origin) => {
          if (this.get(taskId)?.deleted !== undefined || !this.slots.has(taskId)) return false;
          this.list.markDeleted(taskId, context.userId, context.now(), origin);
          return true;
        },
        listShown: () => this.list.entries().map((entry) => `${entry.id}:${entry.order}:${entry.deleted?.at ?? ''}`).join(),
        changed: (state) => this.emit('undo', [state]),
        failed: (error) => this.emit('error', [asError(error)]),
      },
      context.undo,
    );
    this.relayHistory = new ListHistory(id, () => context.transport);
    // Not 'update': with no update listener, Yjs need not encode the stored state back into an event when it is applied.
    listDoc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.changed.size > 0) this.onListChanged();
      // A deletion made here (a purge, a restore, an undo) moves no clock: the status counts it until the relay has it.
      if (onlyDeleted(transaction)) for (const task of tasksDeletedIn(transaction)) this.sync.deletedHere(this.id, task);
    });
    context.persistence.on('error', this.forwardError);
    claimAuthorship(listDoc, context.userId);
    this.verified = new VerifiedClients(id, (doc) => this.bindingsChanged(doc), this.forwardError);
    this.list.verify = this.verified.verifier(id);
    this.stopVerifying = this.verified.follow(context.transport);
    this.feed = followActivity({
      verify: (doc) => this.verified.verifier(doc.guid),
      listDoc,
      slots: this.slots,
      me: { user: context.userId, verified: false },
      now: context.now,
      onError: this.forwardError,
      task: (taskId) => this.get(taskId),
    });
    this.upgrade = new SchemaUpgrade(context.schema, {
      listDoc,
      origin: this.origin,
      isClosed: () => this.closed,
      failed: this.forwardError,
      newer: (info) => this.emit('newerSchema', [info]),
    });
    this.queryFields = new Set(['id', 'order', 'title', 'description', 'completed', 'createdAt', 'updatedAt', 'completedAt', 'deletedAt', ...context.schema.fields.keys()]);
  }

  /** Counts `change` listeners: with none, a change costs no snapshot of the tasks. */
  override on<N extends keyof TaskListEvents<F>>(name: N, listener: TaskListEvents<F>[N]): TaskListEvents<F>[N] {
    if (name === 'change') this.changeListeners.add(listener);
    return super.on(name, listener);
  }

  /** Removes a listener added with `on`. */
  override off<N extends keyof TaskListEvents<F>>(name: N, listener: TaskListEvents<F>[N]): void {
    if (name === 'change') this.changeListeners.delete(listener);
    super.off(name, listener);
  }

  /**
   * Loads the list and every task from local storage, then starts syncing them. Called once by `Concord.openList`.
   * What the storage holds a view of (a snapshot's copy of the list's entries, of a task's fields) is shown from it at
   * once, and its document applied in the background, a few milliseconds at a time, or at once when an edit needs it;
   * sync starts once every document is applied (`documentsLoaded`).
   */
  async load(): Promise<void> {
    // Storage is read once: the undo history's stored stacks (read before any document is applied) come from the
    // list's prefetch, started here, rather than from a read of their own before it.
    const prefetching = this.context.persistence.prefetch(this.id);
    prefetching.catch(() => undefined);
    try {
      await this.undoHistory.load();
    } catch (error) {
      void prefetching.then((prefetched) => prefetched.release(), () => undefined);
      throw error;
    }
    this.undoHistory.attach(this.id, this.listDoc);
    const { rest } = await this.hydrator.load(prefetching);
    this.loaded = true;
    this.feed.begin(this.slots.keys());
    this.queueChange();
    if (rest === null) {
      this.documentsLoaded = this.startAll();
      return this.documentsLoaded;
    }
    this.documentsLoaded = rest.then(() => this.startAll());
    this.documentsLoaded.catch((error: unknown) => this.emit('error', [asError(error)]));
  }

  private async startAll(): Promise<void> {
    if (this.closed) return;
    await this.verified.load(this.hydrator.listPersisted);
    await this.feed.settle(this.hydrator.listPersisted);
    if (this.closed) return;
    this.upgrade.recordVersion();
    for (const slot of this.slots.values()) this.upgrade.taskChanged(slot);
    await this.sync.start([...this.slots.values()]);
    this.sync.allStarted();
  }

  /** This code's schema version and the highest recorded in the list (a newer one: tell the person to reload). */
  get schema(): ListSchemaInfo {
    return this.upgrade.info;
  }

  /** The list's Yjs document (membership and order), applied from local storage if it was not yet. */
  get doc(): Y.Doc {
    void this.hydrator.hydrateList();
    return this.listDoc;
  }

  get status(): ListSyncStatus {
    return this.sync.status;
  }

  /** Whether `close()` was called: every later edit throws `ERR_LIST_CLOSED`. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Live tasks in list order; with a query, those it selects in its order (in memory, over the tasks as shown). A
   * query naming a field the tasks cannot have throws `InvalidFieldError`.
   */
  tasks(query?: TaskQuery<Task<F>>): readonly Task<F>[] {
    const live = this.snapshotNow().live;
    return query ? runQuery(live, query, this.queryFields) : live;
  }

  /** Deleted tasks that can still be restored, most recently deleted first. */
  trash(): readonly Task<F>[] {
    return this.snapshotNow().trash;
  }

  /** The task with this id (live or in the trash), or undefined when the list has none. */
  get(id: TaskId): Task<F> | undefined {
    const entry = this.list.entries().find((candidate) => candidate.id === id);
    return entry && this.toTask(entry);
  }

  /**
   * Creates a task (last in the list, or right after `input.after`) and returns its id; it is stored and synced in the
   * background. A declared field's value that does not fit throws `InvalidFieldError` and creates nothing.
   */
  create(input: NewTask<F> = {}): TaskId {
    this.assertOpen();
    const { after, ...patch } = input as NewBaseTask & Readonly<Record<string, unknown>>;
    checkPatch(this.context.schema, patch);
    void this.hydrator.hydrateList();
    const id = newTaskId();
    const slot = this.openSlot(id);
    this.undoHistory.record('create', [id], () => {
      slot.task.initialise(patch, this.context.now(), this.origin);
      this.list.add(id, this.origin);
      if (after !== undefined) this.list.move(id, after, this.context.now(), this.origin);
    });
    void slot.whenLoaded.then(() => this.sync.start([slot]));
    return id;
  }

  /**
   * Changes a task's fields. A text becomes the smallest splice of what `tasks()` shows, recorded so that edits made
   * apart merge unless they collide (see "When two text edits collide" in the README); declared fields by their
   * type's rule. A value that does not fit throws `InvalidFieldError` and changes nothing.
   */
  update(id: TaskId, patch: TypedTaskPatch<F>): void {
    const task = this.slotOf(id).task;
    checkPatch(this.context.schema, patch);
    const kind = Object.keys(patch).every((key) => key === 'completed') ? 'complete' : 'edit';
    this.undoHistory.record(kind, [id], () => task.update(patch, this.context.now(), this.origin, this.context.userId));
  }

  /**
   * Shows one of `task.alternatives[field]` instead of the field's text: a new edit that syncs like any other, after
   * which the alternatives of that collision are no longer offered. Throws `ERR_UNKNOWN_ALTERNATIVE` when the field
   * has no alternative with that id (any more: someone may have picked one meanwhile).
   *
   * @example
   * const [other] = list.get(id)?.alternatives?.title ?? [];
   * if (other) list.pickAlternative(id, 'title', other.id);
   */
  pickAlternative(id: TaskId, field: string, alternativeId: string): void {
    const task = this.textTask(id, field);
    const picked = this.undoHistory.record('edit', [id], () => task.pickAlternative(field, alternativeId, this.author(), this.origin));
    if (!picked) throw new ConcordError(ConcordErrorCode.UnknownAlternative, `task ${id} has no alternative ${alternativeId} of its ${field}`);
  }

  /** Moves a live task right after `after` (null: to the top). */
  move(id: TaskId, after: TaskId | null): void {
    this.slotOf(id);
    if (after !== null) this.slotOf(after);
    void this.hydrator.hydrateList();
    this.undoHistory.record('move', [id], () => this.list.move(id, after, this.context.now(), this.origin));
  }

  /** Gives a live task the order key `order` (a superseded move's `lostOrder`, to make that move again). */
  moveToOrder(id: TaskId, order: string): void {
    this.slotOf(id);
    void this.hydrator.hydrateList();
    this.undoHistory.record('move', [id], () => this.list.moveTo(id, order, this.context.now(), this.origin));
  }

  /** Moves a task to the trash. Edits made concurrently elsewhere are kept for a restore. */
  delete(id: TaskId): void {
    // What the deleter saw of the task: a change made elsewhere that it had not seen is named in the activity feed.
    const saw = Y.encodeStateVector(this.slotOf(id).doc);
    void this.hydrator.hydrateList();
    this.undoHistory.record('delete', [id], () => this.list.markDeleted(id, this.context.userId, this.context.now(), this.origin, saw));
  }

  /** Brings a task back from the trash to its place in the list, with every change made to it meanwhile (a completion made offline, say). */
  restore(id: TaskId): void {
    this.slotOf(id);
    void this.hydrator.hydrateList();
    this.undoHistory.record('restore', [id], () => this.list.restore(id, this.context.now(), this.origin));
  }

  /**
   * What happened to the list's tasks, oldest first: changes (created, renamed, completed, moved, deleted, …) and
   * resolutions (what a merge decided between changes made apart), each naming who and when. Derived from the
   * documents; local changes show at once, others' as they arrive. `since`: a `seq` (or `activityCursor`) stored
   * earlier, for what is new since; `taskId`: one task's history.
   */
  activity(options: { readonly since?: number; readonly taskId?: TaskId } = {}): ActivityEvent[] {
    return this.feed.list(options);
  }

  /** The `seq` of the newest activity event: store it ("last seen") and pass it to `activity({ since })` later. */
  get activityCursor(): number {
    return this.feed.cursor;
  }

  /** Deletes a task for good, here and on every replica, and clears its local storage. */
  async purge(id: TaskId): Promise<void> {
    this.slotOf(id);
    void this.hydrator.hydrateList();
    // Not undoable: the task's storage is cleared on every replica. Steps about it go too.
    this.undoHistory.record('delete', [id], () => this.list.purge(id, this.origin));
    this.undoHistory.forget(id);
    this.feed.purgedHere(id);
    await this.dropSlot(id);
  }

  /**
   * Applies an editor's splice made against the text `tasks()` shows of a title, description or declared text field (a
   * recorded edit, like `update`): what `bindTextInput` does on each keystroke. An index or length past the end is
   * clamped to it. `origin` is the Yjs transaction origin (an editor binding passes its own, so the undo history reads
   * its edits as typing).
   */
  spliceText(id: TaskId, field: string, splice: TextSplice, origin: unknown = this.origin): void {
    this.textTask(id, field).spliceText(field, splice, this.author(), origin);
  }

  /**
   * The shared text of a task's title, description or declared text field. Edits made on it directly merge by
   * character and are not recorded, so they never collide (see the README): bind editors with `bindTextInput` or
   * `spliceText` instead.
   */
  text(id: TaskId, field: string): Y.Text {
    return this.textTask(id, field).text(field);
  }

  /** The task's document, once `field` is checked to be one of its text fields. */
  private textTask(id: TaskId, field: string): TaskDoc {
    const task = this.slotOf(id).task;
    if (field !== 'title' && field !== 'description' && this.context.schema.fields.get(field)?.type !== 'text') {
      throw new InvalidFieldError(field, 'not a text field');
    }
    return task;
  }

  /**
   * Takes back the local user's last step (create, delete, restore, move, complete, an edit, a burst of typing in one
   * field, a paste), across the list and its tasks; never another person's change. Null when there is nothing to undo.
   * `applied` is false when someone else has since changed the same thing: theirs stands, and the step is dropped.
   */
  undo(): UndoResult | null {
    this.assertOpen();
    return this.undoHistory.undo();
  }

  /** Makes the last undone step again; null when there is none. A new step clears what can be redone. */
  redo(): UndoResult | null {
    this.assertOpen();
    return this.undoHistory.redo();
  }

  get canUndo(): boolean {
    return this.undoHistory.current.canUndo;
  }

  get canRedo(): boolean {
    return this.undoHistory.current.canRedo;
  }

  /** The undo stacks' state (a new object only when it changed), as the `undo` event reports it. */
  get undoState(): UndoState {
    return this.undoHistory.current;
  }

  /** The versions the relay keeps of the list, oldest first (needs the connection; see the relay's PROTOCOL.md). */
  versions(): Promise<ListVersion[]> {
    return this.relayHistory.versions();
  }

  /**
   * Asks the relay to bring the list and every task back to `time` (`only`: revert that user's changes since); the
   * restore arrives as updates like any other. Resolves with how many documents changed.
   */
  restoreTo(time: number, options: { readonly only?: string } = {}): Promise<number> {
    this.assertOpen();
    return this.relayHistory.restoreTo(time, options);
  }

  /** Every version the relay keeps of a task: title, description and completion, who and when. */
  history(taskId: TaskId): Promise<TaskVersion[]> {
    return this.relayHistory.history(asTaskId(taskId));
  }

  /** Brings a task back to one of its versions, as a new change that syncs and merges like any other. */
  restoreVersion(taskId: TaskId, version: TaskVersion | number): Promise<void> {
    this.assertOpen();
    return this.relayHistory.restoreVersion(asTaskId(taskId), version);
  }

  /**
   * Calls `listener` with the current tasks now and after every change; returns the unsubscribe function. With a
   * query (`subscribe(query, listener)`), with the tasks it selects, as `tasks(query)` would return them.
   */
  subscribe(listener: (tasks: readonly Task<F>[]) => void): () => void;
  subscribe(query: TaskQuery<Task<F>>, listener: (tasks: readonly Task<F>[]) => void): () => void;
  subscribe(first: TaskQuery<Task<F>> | ((tasks: readonly Task<F>[]) => void), second?: (tasks: readonly Task<F>[]) => void): () => void {
    const query = typeof first === 'function' ? undefined : first;
    const listener = typeof first === 'function' ? first : second!;
    const deliver = query ? () => listener(this.tasks(query)) : listener;
    deliver(this.tasks());
    this.on('change', deliver);
    return () => this.off('change', deliver);
  }

  /** Resolves once every change made so far is in local storage. */
  async flush(): Promise<void> {
    await Promise.all([this.context.persistence.flush(), this.undoHistory.flush()]);
  }

  /** Stops syncing the list and releases its documents; what is stored stays. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sync.close([this.id, ...[...this.slots.values()].map((slot) => slot.name)]);
    this.context.persistence.off('error', this.forwardError);
    this.hydrator.release();
    this.stopVerifying();
    await this.flush();
    await Promise.all([this.feed.flush(), this.verified.flush()]);
    // While the documents are still bound: the snapshot encodes them as they are.
    await this.context.persistence.snapshotList(this.id);
    await Promise.all([...this.slots.values()].map((slot) => slot.close()));
    this.slots.clear();
    await this.hydrator.listPersisted?.unbind();
    this.awareness.destroy();
    this.listDoc.destroy();
    this.context.onClose();
    this.destroy();
  }

  private openSlot(id: TaskId, view: StoredTaskFields | null = null): TaskSlot {
    let slot = this.slots.get(id);
    if (!slot) {
      slot = new TaskSlot(
        this.id,
        id,
        this.context.persistence,
        {
          changed: (changed) => this.onTaskChanged(changed),
          deleted: (changed) => this.sync.deletedHere(changed.name, changed.id),
          failed: (error) => this.emit('error', [asError(error)]),
          created: (task) => {
            claimAuthorship(task.doc, this.context.userId);
            task.verify = this.verified.verifier(task.doc.guid);
            this.undoHistory.attach(taskDocName(this.id, id), task.doc);
          },
          problems: (problemSlot, problems) => this.reportInvalid(problemSlot.id, problems),
        },
        this.context.schema,
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
    this.sync.remove([slot.name]);
    await slot.close();
    await this.context.persistence.clear(slot.name);
  }

  private slotByName(name: string): TaskSlot | undefined {
    const prefix = `${this.id}/`;
    if (!name.startsWith(prefix)) return undefined;
    return this.slots.get(name.slice(prefix.length) as TaskId);
  }

  private onListChanged(): void {
    if (this.closed) return;
    this.upgrade.check();
    if (this.hydrator.bindingList) return this.queueChange();
    const entries = this.list.entries();
    const known = new Set<TaskId>();
    const added: TaskSlot[] = [];
    for (const entry of entries) {
      known.add(entry.id);
      if (!this.slots.has(entry.id)) added.push(this.openSlot(entry.id));
    }
    // Tasks found together (a list arriving from the relay) are read from storage in one batch: hand them to sync in
    // one call too, not one per task (each call is a round of promises and a transport batch of its own).
    if (this.loaded && added.length > 0) void Promise.allSettled(added.map((slot) => slot.whenLoaded)).then(() => this.sync.start(added));
    // A task purged elsewhere: release and clear it here too.
    for (const id of [...this.slots.keys()]) {
      if (!known.has(id)) void this.dropSlot(id).catch((error: unknown) => this.emit('error', [asError(error)]));
    }
    this.queueChange();
  }

  /** The relay confirmed claims of a document: what is shown of its authors may now be verified. */
  private bindingsChanged(doc: string): void {
    this.slotByName(doc)?.invalidate();
    this.queueChange();
  }

  private onTaskChanged(slot: TaskSlot): void {
    if (this.closed) return;
    this.feed.touch(slot.id);
    if (this.loaded) this.upgrade.taskChanged(slot);
    this.queueChange();
  }

  private reportInvalid(taskId: TaskId, problems: readonly FieldProblem[]): void {
    for (const { field, reason, value, key } of problems) {
      const id = `${taskId}\0${key}`;
      if (this.reportedInvalid.has(id)) continue;
      this.reportedInvalid.add(id);
      queueMicrotask(() => this.emit('invalidField', [{ taskId, field, reason, value }]));
    }
  }

  private queueChange(): void {
    this.snapshot = null;
    this.sync.changed();
    // While loading, each task's stored state arrives in its own microtask: one notification when all are in, not a
    // snapshot of the whole list per task (quadratic for a large list).
    if (this.changeQueued || !this.loaded) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      if (!this.closed && this.changeListeners.size > 0) this.emit('change', [this.tasks()]);
    });
  }

  private snapshotNow(): { live: Task<F>[]; trash: Task<F>[] } {
    if (this.snapshot) return this.snapshot;
    const live: Task<F>[] = [];
    const trash: Task<F>[] = [];
    for (const entry of this.list.entries()) {
      const task = this.toTask(entry);
      if (task) (entry.deleted ? trash : live).push(task);
    }
    trash.sort((a, b) => (b.deleted?.at ?? 0) - (a.deleted?.at ?? 0));
    this.snapshot = { live, trash };
    return this.snapshot;
  }

  /** Undefined for a task whose content has not reached this device: it is listed once it has, never as an empty task. */
  private toTask(entry: ListEntry): Task<F> | undefined {
    const slot = this.slots.get(entry.id);
    if (!slot?.hasContent) return undefined;
    const deleted = entry.deleted && { deleted: entry.deleted, deletedAt: entry.deleted.at, deletedBy: this.list.deleter(entry.id) };
    return { ...slot.fields(), id: entry.id, order: entry.order, ...deleted } as Task<F>;
  }

  private slotOf(id: TaskId): TaskSlot {
    this.assertOpen();
    const slot = this.slots.get(asTaskId(id));
    if (!slot) throw new ConcordError(ConcordErrorCode.UnknownTask, `no task ${id} in list ${this.id}`);
    return slot;
  }

  private author(): { userId: string; now: number } {
    return { userId: this.context.userId, now: this.context.now() };
  }

  private assertOpen(): void {
    if (this.closed) throw new ConcordError(ConcordErrorCode.ListClosed, `list ${this.id} is closed`);
  }
}

