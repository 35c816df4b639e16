// What `tasks()`, `trash()` and `get()` show of an open list, and the reports of values that do not fit its schema.
import type { TaskId } from '../model/ids.js';
import type { ListDoc, ListEntry } from '../model/list-doc.js';
import type { CompiledSchema } from '../model/schema/define.js';
import { runQuery, type TaskQuery } from '../model/schema/query.js';
import type { FieldProblem } from '../model/schema/task-fields.js';
import type { FieldSpecs } from '../model/schema/types.js';
import type { StoredTaskFields } from '../model/task-doc.js';
import { LiveView } from './live-view.js';
import type { TaskSlot } from './task-slot.js';
import type { InvalidFieldReport, Task } from './task-list-types.js';

/**
 * The tasks of a list as a UI shows them: read from the list's entries and the tasks' slots, and patched per changed
 * task (see `LiveView`), so reading them twice between changes costs nothing and one change costs one task.
 */
export class TaskView<F extends FieldSpecs> {
  /** The live tasks and the trash as shown. */
  private readonly shown = new LiveView<Task<F>>({
    entries: () => this.list.entries(),
    entry: (id) => this.list.entry(id),
    inTrash: () => this.list.inTrash(),
    takeChanged: () => this.list.takeChanged(),
    make: (entry) => this.toTask(entry),
  });
  /** The task last made from each live entry, with the fields it was made from (see `toTask`). */
  private readonly madeTasks = new WeakMap<ListEntry, { fields: StoredTaskFields; task: Task<F> }>();
  /** Invalid values reported so far (task, field, written value), so each is reported once. */
  private readonly reportedInvalid = new Set<string>();
  /** Names a query may use: the task's built-in fields and the declared ones. */
  private readonly queryFields: ReadonlySet<string>;

  constructor(
    private readonly list: ListDoc,
    private readonly slots: ReadonlyMap<TaskId, TaskSlot>,
    schema: CompiledSchema,
    private readonly report: (report: InvalidFieldReport) => void,
  ) {
    this.queryFields = new Set(['id', 'order', 'title', 'description', 'completed', 'createdAt', 'updatedAt', 'completedAt', 'deletedAt', ...schema.fields.keys()]);
  }

  /** A task's fields (or whether it can be shown) changed. Changes of the list's entries need no call. */
  taskChanged(id: TaskId): void {
    this.shown.touch(id);
  }

  /** Anything shown may have changed: the next read makes every task again. */
  invalidate(): void {
    this.shown.touchAll();
  }

  tasks(query?: TaskQuery<Task<F>>): readonly Task<F>[] {
    const live = this.shown.read();
    return query ? runQuery(live, query, this.queryFields) : live;
  }

  trash(): readonly Task<F>[] {
    return this.shown.readTrash();
  }

  get(id: TaskId): Task<F> | undefined {
    const entry = this.list.entry(id);
    return entry && this.toTask(entry);
  }

  /** Reports each invalid value (task, field, written value) once, in a microtask. */
  reportInvalid(taskId: TaskId, problems: readonly FieldProblem[]): void {
    for (const { field, reason, value, key } of problems) {
      const id = `${taskId}\0${key}`;
      if (this.reportedInvalid.has(id)) continue;
      this.reportedInvalid.add(id);
      queueMicrotask(() => this.report({ taskId, field, reason, value }));
    }
  }

  /** Undefined for a task whose content has not reached this device: it is listed once it has, never as an empty task. */
  private toTask(entry: ListEntry): Task<F> | undefined {
    const slot = this.slots.get(entry.id);
    if (!slot?.hasContent) return undefined;
    const fields = slot.fields();
    // A live task whose entry and fields are the objects it was made from last time is that task: a snapshot after
    // one change makes one task, not all of them. (Who deleted a task in the trash can become verified: not kept.)
    const made = entry.deleted ? undefined : this.madeTasks.get(entry);
    if (made?.fields === fields) return made.task;
    const deleted = entry.deleted && { deleted: entry.deleted, deletedAt: entry.deleted.at, deletedBy: this.list.deleter(entry.id) };
    const task = { ...fields, id: entry.id, order: entry.order, ...deleted } as Task<F>;
    if (!entry.deleted) this.madeTasks.set(entry, { fields, task });
    return task;
  }
}
