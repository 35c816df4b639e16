import type { Peer, Task, TaskId, TaskList } from '@concord/core';
import type * as Y from 'yjs';

/**
 * Tells screen-reader users when someone else changes the task they are on: a title or description edited, the task
 * completed or reopened, or deleted. Only changes that did not come from this window count: each transaction on the
 * focused task's document says whether it was local. The row with focus is the one whose `data-task-id` holds the
 * active element under `root`.
 */
/** Remote changes are told once they pause this long: someone typing is one announcement, not one per key. */
const SETTLE_MS = 800;

export class RemoteAnnouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private watched: { id: TaskId; doc: Y.Doc; before: Task; stop: () => void } | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly list: TaskList,
    private readonly peers: () => readonly Peer[],
    private readonly announce: (message: string) => void,
  ) {
    root.addEventListener('focusin', this.onFocus);
    root.addEventListener('focusout', this.onBlur);
  }

  destroy(): void {
    this.root.removeEventListener('focusin', this.onFocus);
    this.root.removeEventListener('focusout', this.onBlur);
    this.unwatch();
  }

  /** After every change of the list: a focused task that left the list was deleted by someone. */
  listChanged(tasks: readonly Task[]): void {
    const watched = this.watched;
    if (!watched || tasks.some((task) => task.id === watched.id)) return;
    const deleted = this.list.trash().find((task) => task.id === watched.id);
    this.unwatch();
    if (deleted) this.announce(`${deleted.deleted?.by || 'Someone'} deleted the task you were on, “${title(deleted)}”. It is in the trash.`);
  }

  private readonly onFocus = (event: FocusEvent): void => {
    const row = (event.target as Element).closest<HTMLElement>('[data-task-id]');
    const id = row?.dataset.taskId as TaskId | undefined;
    if (id === this.watched?.id) return;
    this.unwatch();
    const task = id && this.list.get(id);
    if (!id || !task) return;
    const doc = this.list.text(id, 'title').doc;
    if (!doc) return;
    const onTransaction = (transaction: Y.Transaction) => {
      if (transaction.local || transaction.changed.size === 0) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.describe(id), SETTLE_MS);
    };
    doc.on('afterTransaction', onTransaction);
    this.watched = { id, doc, before: task, stop: () => doc.off('afterTransaction', onTransaction) };
  };

  /** Focus leaving for something outside the rows ends the watch; focus lost (a row re-rendered elsewhere) does not. */
  private readonly onBlur = (event: FocusEvent): void => {
    const next = event.relatedTarget as Element | null;
    if (next && !next.closest('[data-task-id]')) this.unwatch();
  };

  private describe(id: TaskId): void {
    const watched = this.watched;
    const after = this.list.get(id);
    if (!watched || watched.id !== id || !after) return;
    const before = watched.before;
    watched.before = after;
    const who = this.who(id);
    if (before.completed !== after.completed) this.announce(`${who} ${after.completed ? 'completed' : 'reopened'} “${title(after)}”.`);
    else if (before.title !== after.title) this.announce(`${who} changed the title to “${title(after)}”.`);
    else if (before.description !== after.description) this.announce(`${who} edited the description of “${title(after)}”.`);
  }

  /** Who is editing the task, if exactly one other person is; else "Someone". */
  private who(id: TaskId): string {
    const editing = this.peers().filter((peer) => !peer.self && peer.editing?.taskId === id);
    return editing.length === 1 ? editing[0]!.user.name : 'Someone';
  }

  private unwatch(): void {
    clearTimeout(this.timer);
    this.watched?.stop();
    this.watched = null;
  }
}

function title(task: Pick<Task, 'title'>): string {
  return task.title.trim() || 'Untitled task';
}
