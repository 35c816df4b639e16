import type { Task, TaskId, TaskList } from '@concord/core';
import { label } from './task-row.js';
import type { ToastController } from './toast-controller.js';
import { undoDelete } from './undo-keys.js';

/** What the actions need from the page: the list, its rows as shown, and the page's ways to speak. */
export interface ActionHost {
  readonly root: HTMLElement;
  readonly list: TaskList;
  readonly toast: ToastController;
  /** The live tasks in the order the page shows them. */
  tasks(): readonly Task[];
  announce(message: string): void;
  showError(message: string): void;
  /** Resolves after the page rendered the latest change. */
  rendered(): Promise<unknown>;
  /** The task left the page (deleted): drop what the page keeps about it. */
  forget(id: TaskId): void;
}

/** What people do to tasks, with what the page says and where focus goes after each. */
export class TaskActions {
  constructor(private readonly host: ActionHost) {}

  create(title: string, after?: TaskId | null): TaskId {
    const id = this.host.list.create({ title, ...(after !== undefined && { after }) });
    this.host.announce(`Added “${label({ title })}”.`);
    return id;
  }

  delete(id: TaskId): void {
    const { list } = this.host;
    const task = list.get(id);
    if (!task) return;
    const index = this.host.tasks().findIndex((candidate) => candidate.id === id);
    list.delete(id);
    this.host.forget(id);
    this.host.toast.show({
      message: `Deleted “${label(task)}”.`,
      undo: () => {
        undoDelete(list, id);
        this.host.toast.show({ message: `Restored “${label(task)}”.` });
      },
    });
    // Keep keyboard users in the list: focus the next row's title, or the new-task field.
    void this.host.rendered().then(() => {
      const rows = this.host.root.querySelectorAll<HTMLElement>('ul.tasks > [data-task-id] .title');
      (rows[Math.min(index, rows.length - 1)] ?? this.host.root.querySelector<HTMLElement>('#new-task'))?.focus();
    });
  }

  restore(id: TaskId): void {
    const { list } = this.host;
    if (!list.get(id)) return;
    list.restore(id);
    this.host.toast.show({ message: `Restored “${label(list.get(id)!)}”.` });
  }

  async purge(id: TaskId): Promise<void> {
    try {
      await this.host.list.purge(id);
    } catch (error) {
      this.host.showError(error instanceof Error ? error.message : String(error));
    }
  }

  move(id: TaskId, afterId: TaskId | null): void {
    const { list } = this.host;
    list.move(id, afterId);
    const index = list.tasks().findIndex((task) => task.id === id);
    this.host.announce(`Moved to position ${index + 1} of ${this.host.tasks().length}.`);
  }

  /** Moves a task one place up (-1) or down (+1) among the shown tasks, keeping focus (and caret) where it was. */
  step(id: TaskId, by: -1 | 1, focused: Element | null): void {
    const tasks = this.host.tasks();
    const index = tasks.findIndex((task) => task.id === id);
    const target = index + by;
    if (index < 0 || target < 0 || target >= tasks.length) return;
    const afterIndex = by < 0 ? target - 1 : target;
    this.move(id, afterIndex < 0 ? null : tasks[afterIndex]!.id);
    // Moving a row's DOM can drop focus: put it back where it was, caret included.
    const field = focused instanceof HTMLInputElement && focused.type !== 'checkbox' ? focused : null;
    const start = field?.selectionStart;
    const end = field?.selectionEnd;
    void this.host.rendered().then(() => {
      if (focused instanceof HTMLElement && document.activeElement !== focused) focused.focus();
      if (field && typeof start === 'number' && typeof end === 'number') field.setSelectionRange(start, end);
    });
  }
}
