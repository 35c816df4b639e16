// What `tasks()`, `trash()` and `get()` show of an open list, and the reports of values that do not fit its schema.
import type { TaskId } from '../model/ids.js';
import type { ListDoc, ListEntry } from '../model/list-doc.js';
import type { CompiledSchema } from '../model/schema/define.js';
import { runQuery, type TaskQuery } from '../model/schema/query.js';
import type { FieldProblem } from '../model/schema/task-fields.js';
import type { FieldSpecs } from '../model/schema/types.js';
import type { TaskSlot } from './task-slot.js';
import type { InvalidFieldReport, Task } from './task-list-types.js';

/**
 * The tasks of a list as a UI shows them: read from the list's entries and the tasks' slots once per change (a
 * snapshot kept until `invalidate`), so reading them twice between changes costs nothing.
 */
export class TaskView<F extends FieldSpecs> {
  private snapshot: { live: Task<F>[]; trash: Task<F>[] } | null = null;
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

  /** Something shown changed: the next read builds a new snapshot. */
  invalidate(): void {
    this.snapshot = null;
  }

  tasks(query?: TaskQuery<Task<F>>): readonly Task<F>[] {
    const live = this.snapshotNow().live;
    return query ? runQuery(live, query, this.queryFields) : live;
  }

  trash(): readonly Task<F>[] {
    return this.snapshotNow().trash;
  }

  get(id: TaskId): Task<F> | undefined {
    const entry = this.list.entries().find((candidate) => candidate.id === id);
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
}
