import type { Task, TaskId, TaskList } from '@concord/core';
import type { RovingRows } from '../keyboard/roving-rows.js';
import { label } from './task-row.js';
import type { ToastController } from './toast-controller.js';
import { undoDelete } from './undo-keys.js';

/** How long a new task stays highlighted. */
const HIGHLIGHT_MS = 1_600;

/** What the actions need from the page: the list, its rows as shown, and the page's ways to speak. */
export interface ActionHost {
  readonly root: HTMLElement;
  readonly list: TaskList;
  readonly toast: ToastController;
  readonly rows: RovingRows;
  /** The live tasks in the order the page shows them (open, then completed). */
  tasks(): readonly Task[];
  announce(message: string): void;
  showError(message: string): void;
  /** Resolves after the page rendered the latest change. */
  rendered(): Promise<unknown>;
  /** The task left the page (deleted): drop what the page keeps about it. */
  forget(id: TaskId): void;
  /** This person changed the list (for the members panel). */
  wrote(): void;
}

/** What people do to tasks, with what the page says and where focus goes after each. */
export class TaskActions {
  constructor(private readonly host: ActionHost) {}

  /** Adds a task (at the end, or right after `after`), scrolls it into view and highlights it. */
  create(title: string, after?: TaskId, focusTitle = false): TaskId {
    const id = this.host.list.create({ title, ...(after !== undefined && { after }) });
    this.host.wrote();
    this.host.announce(`Added “${label({ title })}”.`);
    void this.host.rendered().then(() => {
      const row = this.row(id);
      if (!row) return;
      // Rows off screen are laid out only once scrolled to (content-visibility), so the first scroll lands a few
      // pixels off: scroll again, to the middle, once this one is laid out.
      row.scrollIntoView({ block: 'nearest' });
      requestAnimationFrame(() => row.scrollIntoView({ block: 'center' }));
      row.dataset.highlight = '';
      setTimeout(() => delete row.dataset.highlight, HIGHLIGHT_MS);
      if (focusTitle) this.host.rows.focusRow(this.host.rows.rows().indexOf(row), 'task-title');
    });
    return id;
  }

  /**
   * Deletes a task to the trash, with an undo. Focus stays out of text fields (on a phone a focused field opens the
   * keyboard): on the Delete button of the row now in its place, else the list's heading. From an emptied title
   * (`fromTitle`) it goes to the end of the previous title, as in a text editor.
   */
  delete(id: TaskId, fromTitle = false): void {
    const { list, rows } = this.host;
    const task = list.get(id);
    if (!task) return;
    const index = rows.rows().findIndex((row) => row.dataset.taskId === id);
    list.delete(id);
    this.host.wrote();
    this.host.forget(id);
    this.host.toast.show({
      message: `Deleted “${label(task)}”.`,
      undo: () => {
        undoDelete(list, id);
        this.host.toast.show({ message: `Restored “${label(task)}”.` });
      },
    });
    void this.host.rendered().then(() => {
      const moved = fromTitle ? rows.focusRow(Math.max(0, index - 1), 'task-title', true) : rows.focusRow(index, 'task-delete');
      if (moved) return;
      if (fromTitle) this.host.root.querySelector<HTMLElement>('#new-task')?.focus();
      else this.focusHeading();
    });
  }

  /** Every completed task to the trash at once, undone at once. */
  clearCompleted(): void {
    const done = this.host.tasks().filter((task) => task.completed);
    if (done.length === 0) return;
    for (const task of done) {
      this.host.list.delete(task.id);
      this.host.forget(task.id);
    }
    this.host.wrote();
    const count = `${done.length} completed task${done.length === 1 ? '' : 's'}`;
    this.host.toast.show({
      message: `Cleared ${count}.`,
      undo: () => {
        for (const task of done) if (this.host.list.get(task.id)) this.host.list.restore(task.id);
        this.host.toast.show({ message: `Restored ${count}.` });
      },
    });
    void this.host.rendered().then(() => this.focusHeading());
  }

  restore(id: TaskId): void {
    const { list } = this.host;
    if (!list.get(id)) return;
    list.restore(id);
    this.host.wrote();
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
    this.host.wrote();
    const shown = this.host.tasks();
    const completed = list.get(id)?.completed ?? false;
    const group = shown.filter((task) => task.completed === completed);
    const index = group.findIndex((task) => task.id === id);
    this.host.announce(`Moved to position ${index + 1} of ${group.length}.`);
  }

  /** Moves a task one place up (-1) or down (+1) among the tasks of its section, keeping focus (and caret). */
  step(id: TaskId, by: -1 | 1, focused: Element | null): void {
    const task = this.host.list.get(id);
    const tasks = this.host.tasks().filter((candidate) => candidate.completed === task?.completed);
    const index = tasks.findIndex((candidate) => candidate.id === id);
    const target = index + by;
    if (index < 0 || target < 0 || target >= tasks.length) return;
    const afterIndex = by < 0 ? target - 1 : target;
    this.move(id, afterIndex < 0 ? null : tasks[afterIndex]!.id);
    // Moving a row's DOM can drop focus: put it back where it was, caret included.
    const field = focused instanceof HTMLTextAreaElement || (focused instanceof HTMLInputElement && focused.type !== 'checkbox') ? focused : null;
    const start = field?.selectionStart;
    const end = field?.selectionEnd;
    void this.host.rendered().then(() => {
      if (focused instanceof HTMLElement && document.activeElement !== focused) focused.focus();
      if (field && typeof start === 'number' && typeof end === 'number') field.setSelectionRange(start, end);
    });
  }

  /** Enter in a title: a new task right below, focused. Backspace in an empty title: delete it. */
  titleKeyDown(event: KeyboardEvent, task: Task): void {
    const field = event.target as HTMLTextAreaElement;
    if (event.isComposing) return;
    if (event.key === 'Escape') field.blur();
    else if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.create('', task.id, true);
    } else if (event.key === 'Backspace' && field.value === '' && !event.repeat) {
      event.preventDefault();
      this.delete(task.id, true);
    }
  }

  private row(id: TaskId): HTMLElement | null {
    return this.host.root.querySelector<HTMLElement>(`[data-testid="task"][data-task-id="${CSS.escape(id)}"]`);
  }

  private focusHeading(): void {
    this.host.root.querySelector<HTMLElement>('#tasks-heading')?.focus();
  }
}
