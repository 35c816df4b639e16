// Over 300 lines: the public facade a UI calls, each public method a documented delegation of a few lines, and the
// constructor that wires the parts it delegates to. Loading, flushing and closing live in list-lifecycle.ts, storage
// reads in list-hydrator.ts, sync and status in sync-coordinator.ts and list-status.ts, the tasks' slots in
// task-slots.ts and task-slot.ts, local edits in list-edits.ts, what is shown in task-view.ts, reacting to changes in
// list-changes.ts, the public types in task-list-types.ts.
import { ObservableV2 } from 'lib0/observable';
import { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { ActivityFeed } from '../activity/feed.js';
import type { ActivityEvent } from '../activity/events.js';
import { claimAuthorship } from '../attribution/authors.js';
import { VerifiedClients } from '../attribution/verified-clients.js';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import { asTaskId, type ListId, type TaskId } from '../model/ids.js';
import { ListDoc } from '../model/list-doc.js';
import type { TaskQuery } from '../model/schema/query.js';
import type { FieldSpecs } from '../model/schema/types.js';
import type { TextSplice } from '../text-merge/edit.js';
import { onlyDeleted, tasksDeletedIn, type ListSyncStatus } from './list-status.js';
import { followActivity } from './list-activity.js';
import { ListChanges } from './list-changes.js';
import { ListEdits } from './list-edits.js';
import { ListHydrator } from './list-hydrator.js';
import { ListLifecycle } from './list-lifecycle.js';
import { SchemaUpgrade, type ListSchemaInfo } from './schema-upgrade.js';
import { asError, SyncCoordinator } from './sync-coordinator.js';
import { TaskSlots } from './task-slots.js';
import { TaskView } from './task-view.js';
import { UndoHistory } from '../undo/undo-history.js';
import { ListHistory, type ListVersion, type TaskVersion } from '../history/list-history.js';
import { listAuthors, type ListAuthor } from '../members/list-authors.js';
import { recordRestore } from '../history/restore-record.js';
import type { UndoResult, UndoState } from '../undo/undo-types.js';
import type { NewTask, NoFields, Task, TaskListContext, TaskListEvents, TypedTaskPatch } from './task-list-types.js';

export type {
  BaseTask,
  InvalidFieldReport,
  NewBaseTask,
  NewTask,
  NoFields,
  Task,
  TaskListContext,
  TaskListEvents,
  TypedTaskPatch,
} from './task-list-types.js';

/** The origin of a restore's record in the list document: synced like any edit, not a step of the undo history. */
const RESTORE_RECORD_ORIGIN = { restoreRecord: true };

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
  private readonly slots: TaskSlots;
  private readonly view: TaskView<F>;
  private readonly edits: ListEdits<F>;
  private readonly hydrator: ListHydrator;
  private readonly sync: SyncCoordinator;
  private readonly undoHistory: UndoHistory;
  private readonly relayHistory: ListHistory;
  /** `authors()` as of a snapshot of the tasks (a new snapshot follows every change, bindings included). */
  private authorsOf: { live: object; trash: object; authors: readonly ListAuthor[] } | null = null;
  private readonly upgrade: SchemaUpgrade;
  private readonly changes: ListChanges<F>;
  private readonly lifecycle: ListLifecycle<F>;
  private closed = false;
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
    context: TaskListContext,
  ) {
    super();
    const failed = (error: unknown): void => this.emit('error', [asError(error)]);
    this.list = new ListDoc(listDoc);
    this.awareness = new Awareness(listDoc);
    this.slots = new TaskSlots({
      listId: id,
      persistence: context.persistence,
      schema: context.schema,
      hooks: {
        changed: (changed) => this.changes.taskChanged(changed),
        deleted: (changed) => this.sync.deletedHere(changed.name, changed.id),
        failed,
        created: (task) => {
          claimAuthorship(task.doc, context.userId);
          task.verify = this.verified.verifier(task.doc.guid);
          this.undoHistory.attach(task.doc.guid, task.doc);
        },
        problems: (problemSlot, problems) => this.view.reportInvalid(problemSlot.id, problems),
      },
      removed: (name) => this.sync.remove([name]),
    });
    this.view = new TaskView(this.list, this.slots.byId, context.schema, (report) => this.emit('invalidField', [report]));
    this.hydrator = new ListHydrator({
      id,
      listDoc,
      list: this.list,
      persistence: context.persistence,
      isClosed: () => this.closed,
      slots: this.slots.byId,
      openSlot: (taskId, view) => this.slots.open(taskId, view),
      listChanged: () => this.changes.listChanged(),
    });
    this.sync = new SyncCoordinator(
      {
        id,
        listDoc,
        awareness: this.awareness,
        isClosed: () => this.closed,
        listPersisted: () => this.hydrator.listPersisted,
        slots: this.slots.byId,
        storedLocally: () => this.hydrator.storedLocally,
        slotByName: (name) => this.slots.byName(name),
        emitStatus: (status) => this.emit('status', [status]),
        emitError: this.forwardError,
      },
      context.transport,
      context.syncTabs,
    );
    this.undoHistory = new UndoHistory(
      {
        listId: id,
        userId: context.userId,
        persistence: context.persistence,
        now: context.now,
        origin: this.origin,
        docOf: (name) => (name === id ? this.doc : (this.slots.byName(name)?.doc ?? null)),
        softDelete: (taskId, origin) => this.edits.softDelete(taskId, origin),
        listShown: () => this.list.entries().map((entry) => `${entry.id}:${entry.order}:${entry.deleted?.at ?? ''}`).join(),
        changed: (state) => this.emit('undo', [state]),
        failed,
      },
      context.undo,
    );
    this.relayHistory = new ListHistory(id, () => context.transport, {
      events: (taskId) => this.feed.list(taskId === undefined ? {} : { taskId }),
      fields: (taskId) => this.get(taskId),
      write: (taskId, fields) => this.update(taskId, fields as TypedTaskPatch<F>),
      asUndoStep: (apply, taskIds) => this.undoHistory.record('restore-to', taskIds, apply),
      restored: (record) => recordRestore(listDoc, { ...record, at: context.now() }, RESTORE_RECORD_ORIGIN),
    });
    // Not 'update': with no update listener, Yjs need not encode the stored state back into an event when it is applied.
    listDoc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.changed.size > 0) this.changes.listChanged();
      // A deletion made here (a purge, a restore, an undo) moves no clock: the status counts it until the relay has it.
      if (onlyDeleted(transaction)) for (const task of tasksDeletedIn(transaction)) this.sync.deletedHere(this.id, task);
    });
    context.persistence.on('error', this.forwardError);
    claimAuthorship(listDoc, context.userId);
    this.verified = new VerifiedClients(id, (doc) => this.changes.bindingsChanged(doc), this.forwardError);
    this.list.verify = this.verified.verifier(id);
    this.stopVerifying = this.verified.follow(context.transport);
    this.feed = followActivity({
      verify: (doc) => this.verified.verifier(doc.guid),
      listDoc,
      slots: this.slots.byId,
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
    this.edits = new ListEdits({
      context,
      list: this.list,
      slots: this.slots,
      view: this.view,
      hydrator: this.hydrator,
      sync: this.sync,
      undoHistory: this.undoHistory,
      feed: this.feed,
      origin: this.origin,
      assertOpen: () => this.assertOpen(),
    });
    this.changes = new ListChanges({
      list: this.list,
      slots: this.slots,
      view: this.view,
      hydrator: this.hydrator,
      sync: this.sync,
      upgrade: this.upgrade,
      feed: this.feed,
      isClosed: () => this.closed,
      emitChange: () => this.emit('change', [this.tasks()]),
      failed,
    });
    this.lifecycle = new ListLifecycle({
      id,
      listDoc,
      context,
      awareness: this.awareness,
      slots: this.slots,
      hydrator: this.hydrator,
      sync: this.sync,
      undoHistory: this.undoHistory,
      feed: this.feed,
      verified: this.verified,
      stopVerifying: this.stopVerifying,
      upgrade: this.upgrade,
      changes: this.changes,
      isClosed: () => this.closed,
      forwardError: this.forwardError,
      failed,
    });
  }

  /** Counts `change` listeners: with none, a change costs no snapshot of the tasks. */
  override on<N extends keyof TaskListEvents<F>>(name: N, listener: TaskListEvents<F>[N]): TaskListEvents<F>[N] {
    if (name === 'change') this.changes.listeners.add(listener);
    return super.on(name, listener);
  }

  /** Removes a listener added with `on`. */
  override off<N extends keyof TaskListEvents<F>>(name: N, listener: TaskListEvents<F>[N]): void {
    if (name === 'change') this.changes.listeners.delete(listener);
    super.off(name, listener);
  }

  /**
   * Loads the list and every task from local storage, then starts syncing them. Called once by `Concord.openList`.
   * What the storage holds a view of (a snapshot's copy of the list's entries, of a task's fields) is shown from it at
   * once, and its document applied in the background, a few milliseconds at a time, or at once when an edit needs it;
   * sync starts once every document is applied (`documentsLoaded`).
   */
  async load(): Promise<void> {
    await this.lifecycle.load((loaded) => {
      this.documentsLoaded = loaded;
    });
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
    return this.view.tasks(query);
  }

  /** Deleted tasks that can still be restored, most recently deleted first. */
  trash(): readonly Task<F>[] {
    return this.view.trash();
  }

  /** The task with this id (live or in the trash), or undefined when the list has none. */
  get(id: TaskId): Task<F> | undefined {
    return this.view.get(id);
  }

  /**
   * Creates a task (last in the list, or right after `input.after`) and returns its id; it is stored and synced in the
   * background. A declared field's value that does not fit throws `InvalidFieldError` and creates nothing.
   */
  create(input: NewTask<F> = {}): TaskId {
    return this.edits.create(input);
  }

  /**
   * Changes a task's fields. A text becomes the smallest splice of what `tasks()` shows, recorded so that edits made
   * apart merge unless they collide (see "When two text edits collide" in the README); declared fields by their
   * type's rule. A value that does not fit throws `InvalidFieldError` and changes nothing.
   */
  update(id: TaskId, patch: TypedTaskPatch<F>): void {
    this.edits.update(id, patch);
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
    this.edits.pickAlternative(id, field, alternativeId);
  }

  /** Moves a live task right after `after` (null: to the top). */
  move(id: TaskId, after: TaskId | null): void {
    this.edits.move(id, after);
  }

  /** Gives a live task the order key `order` (a superseded move's `lostOrder`, to make that move again). */
  moveToOrder(id: TaskId, order: string): void {
    this.edits.moveToOrder(id, order);
  }

  /** Moves a task to the trash. Edits made concurrently elsewhere are kept for a restore. */
  delete(id: TaskId): void {
    this.edits.delete(id);
  }

  /** Brings a task back from the trash to its place in the list, with every change made to it meanwhile (a completion made offline, say). */
  restore(id: TaskId): void {
    this.edits.restore(id);
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

  /**
   * Everyone who wrote to the list or to any of its tasks, most recent change first, from the claims its documents
   * carry: each with whether a relay with authentication confirmed them, and the time of their latest attributed
   * change. Changes with the tasks (the `change` event). See `ListAuthor`.
   */
  authors(): readonly ListAuthor[] {
    const live = this.view.tasks();
    const trash = this.view.trash();
    if (this.authorsOf?.live !== live || this.authorsOf.trash !== trash) {
      const docs = [...this.slots.byId.values()].flatMap((slot) => (slot.docInMemory ? [{ doc: slot.docInMemory, verify: slot.task.verify }] : []));
      this.authorsOf = { live, trash, authors: listAuthors({ doc: this.doc, verify: this.list.verify }, docs, [...live, ...trash]) };
    }
    return this.authorsOf.authors;
  }

  /** The `seq` of the newest activity event: store it ("last seen") and pass it to `activity({ since })` later. */
  get activityCursor(): number {
    return this.feed.cursor;
  }

  /** Deletes a task for good, here and on every replica, and clears its local storage. */
  async purge(id: TaskId): Promise<void> {
    await this.edits.purge(id);
  }

  /**
   * Applies an editor's splice made against the text `tasks()` shows of a title, description or declared text field (a
   * recorded edit, like `update`): what `bindTextInput` does on each keystroke. An index or length past the end is
   * clamped to it. `origin` is the Yjs transaction origin (an editor binding passes its own, so the undo history reads
   * its edits as typing).
   */
  spliceText(id: TaskId, field: string, splice: TextSplice, origin: unknown = this.origin): void {
    this.edits.spliceText(id, field, splice, origin);
  }

  /**
   * The shared text of a task's title, description or declared text field. Edits made on it directly merge by
   * character and are not recorded, so they never collide (see the README): bind editors with `bindTextInput` or
   * `spliceText` instead.
   */
  text(id: TaskId, field: string): Y.Text {
    return this.edits.text(id, field);
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
    await this.lifecycle.flush();
  }

  /** Stops syncing the list and releases its documents; what is stored stays. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lifecycle.close();
    this.destroy();
  }

  private assertOpen(): void {
    if (this.closed) throw new ConcordError(ConcordErrorCode.ListClosed, `list ${this.id} is closed`);
  }
}

