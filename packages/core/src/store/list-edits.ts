// The local edits of an open list (create, update, move, delete, restore, purge, text splices), each recorded as an
// undoable step; the TSDoc of each is on the `TaskList` method that calls it.
import type * as Y from 'yjs';
import { encodeStateVector } from 'yjs';
import type { ActivityFeed } from '../activity/feed.js';
import { ConcordError, ConcordErrorCode, InvalidFieldError } from '../errors/concord-error.js';
import { newTaskId, type TaskId } from '../model/ids.js';
import type { ListDoc } from '../model/list-doc.js';
import type { FieldSpecs } from '../model/schema/types.js';
import { checkPatch } from '../model/schema/validate.js';
import type { TaskDoc } from '../model/task-doc.js';
import type { TextSplice } from '../text-merge/edit.js';
import type { UndoHistory } from '../undo/undo-history.js';
import type { ListHydrator } from './list-hydrator.js';
import type { SyncCoordinator } from './sync-coordinator.js';
import type { NewBaseTask, NewTask, TaskListContext, TypedTaskPatch } from './task-list-types.js';
import type { TaskSlot } from './task-slot.js';
import type { TaskSlots } from './task-slots.js';
import type { TaskView } from './task-view.js';

export interface ListEditsHost<F extends FieldSpecs> {
  readonly context: TaskListContext;
  readonly list: ListDoc;
  readonly slots: TaskSlots;
  readonly view: TaskView<F>;
  readonly hydrator: ListHydrator;
  readonly sync: SyncCoordinator;
  readonly undoHistory: UndoHistory;
  readonly feed: ActivityFeed;
  /** The transaction origin of the list's own edits. */
  readonly origin: object;
  /** Throws `ERR_LIST_CLOSED` once the list is closed. */
  readonly assertOpen: () => void;
}

/** Applies the local user's edits to the list's documents, through the undo history. */
export class ListEdits<F extends FieldSpecs> {
  constructor(private readonly host: ListEditsHost<F>) {}

  create(input: NewTask<F>): TaskId {
    const { context, hydrator, list, origin } = this.host;
    this.host.assertOpen();
    const { after, ...patch } = input as NewBaseTask & Readonly<Record<string, unknown>>;
    checkPatch(context.schema, patch);
    void hydrator.hydrateList();
    const id = newTaskId();
    const slot = this.host.slots.open(id);
    this.host.undoHistory.record('create', [id], () => {
      slot.task.initialise(patch, context.now(), origin);
      list.add(id, origin);
      if (after !== undefined) list.move(id, after, context.now(), origin);
    });
    void slot.whenLoaded.then(() => this.host.sync.start([slot]));
    return id;
  }

  update(id: TaskId, patch: TypedTaskPatch<F>): void {
    const { context } = this.host;
    const task = this.slotOf(id).task;
    checkPatch(context.schema, patch);
    const kind = Object.keys(patch).every((key) => key === 'completed') ? 'complete' : 'edit';
    this.host.undoHistory.record(kind, [id], () => task.update(patch, context.now(), this.host.origin, context.userId));
  }

  pickAlternative(id: TaskId, field: string, alternativeId: string): void {
    const task = this.textTask(id, field);
    const picked = this.host.undoHistory.record('edit', [id], () => task.pickAlternative(field, alternativeId, this.author(), this.host.origin));
    if (!picked) throw new ConcordError(ConcordErrorCode.UnknownAlternative, `task ${id} has no alternative ${alternativeId} of its ${field}`);
  }

  move(id: TaskId, after: TaskId | null): void {
    this.slotOf(id);
    if (after !== null) this.slotOf(after);
    void this.host.hydrator.hydrateList();
    this.host.undoHistory.record('move', [id], () => this.host.list.move(id, after, this.host.context.now(), this.host.origin));
  }

  moveToOrder(id: TaskId, order: string): void {
    this.slotOf(id);
    void this.host.hydrator.hydrateList();
    this.host.undoHistory.record('move', [id], () => this.host.list.moveTo(id, order, this.host.context.now(), this.host.origin));
  }

  delete(id: TaskId): void {
    const { context } = this.host;
    // What the deleter saw of the task: a change made elsewhere that it had not seen is named in the activity feed.
    const saw = encodeStateVector(this.slotOf(id).doc);
    void this.host.hydrator.hydrateList();
    this.host.undoHistory.record('delete', [id], () => this.host.list.markDeleted(id, context.userId, context.now(), this.host.origin, saw));
  }

  restore(id: TaskId): void {
    this.slotOf(id);
    void this.host.hydrator.hydrateList();
    this.host.undoHistory.record('restore', [id], () => this.host.list.restore(id, this.host.context.now(), this.host.origin));
  }

  /** Whether the step undone should delete a task again: not when it is already in the trash or gone. */
  softDelete(taskId: TaskId, origin: unknown): boolean {
    if (this.host.view.get(taskId)?.deleted !== undefined || !this.host.slots.byId.has(taskId)) return false;
    this.host.list.markDeleted(taskId, this.host.context.userId, this.host.context.now(), origin);
    return true;
  }

  async purge(id: TaskId): Promise<void> {
    this.slotOf(id);
    void this.host.hydrator.hydrateList();
    // Not undoable: the task's storage is cleared on every replica. Steps about it go too.
    this.host.undoHistory.record('delete', [id], () => this.host.list.purge(id, this.host.origin));
    this.host.undoHistory.forget(id);
    this.host.feed.purgedHere(id);
    await this.host.slots.drop(id);
  }

  spliceText(id: TaskId, field: string, splice: TextSplice, origin: unknown): void {
    this.textTask(id, field).spliceText(field, splice, this.author(), origin);
  }

  text(id: TaskId, field: string): Y.Text {
    return this.textTask(id, field).text(field);
  }

  /** The task's document, once `field` is checked to be one of its text fields. */
  private textTask(id: TaskId, field: string): TaskDoc {
    const task = this.slotOf(id).task;
    if (field !== 'title' && field !== 'description' && this.host.context.schema.fields.get(field)?.type !== 'text') {
      throw new InvalidFieldError(field, 'not a text field');
    }
    return task;
  }

  private slotOf(id: TaskId): TaskSlot {
    this.host.assertOpen();
    return this.host.slots.of(id);
  }

  private author(): { userId: string; now: number } {
    return { userId: this.host.context.userId, now: this.host.context.now() };
  }
}
