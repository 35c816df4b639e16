import type { TaskId, TaskList, UndoResult } from '@concord/core';

/**
 * Ctrl/Cmd+Z undoes and Ctrl/Cmd+Shift+Z (or Ctrl+Y) redoes with the list's undo stack, the one the toast's Undo uses:
 * - outside text fields: the last step, whatever it was (a delete, a move, typing in some title…);
 * - in a task's focused title or description: typing in that field only. The browser's own undo is never let through
 *   there: it would rewrite the field behind the shared text's back. If the next step is not in this field, nothing.
 * Other text fields (the new-task box, the name) keep the browser's own undo.
 */
export function installUndoKeys(target: Window, list: () => TaskList | null, report: (result: UndoResult, redone: boolean) => void): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    const key = event.key.toLowerCase();
    const redo = (key === 'z' && event.shiftKey) || (key === 'y' && event.ctrlKey && !event.metaKey);
    if (!(event.ctrlKey || event.metaKey) || event.altKey || (key !== 'z' && !redo)) return;
    const current = list();
    if (!current || current.isClosed) return;
    const field = boundField(event.target);
    if (field === null && isTextEntry(event.target)) return;
    event.preventDefault();
    const next = redo ? current.undoState.nextRedo : current.undoState.nextUndo;
    if (!next) return;
    if (field && !(next.field === field.field && next.taskIds[0] === field.taskId)) return;
    const result = redo ? current.redo() : current.undo();
    if (result) report(result, redo);
  };
  target.addEventListener('keydown', onKeyDown);
  return () => target.removeEventListener('keydown', onKeyDown);
}

/**
 * The toast's Undo of a delete: through the stack when the delete is its next step (so Redo can make it again),
 * else (another step was made since) by restoring the task, itself a step that can be undone.
 */
export function undoDelete(list: TaskList, id: TaskId): void {
  const next = list.undoState.nextUndo;
  if (next?.kind === 'delete' && next.taskIds[0] === id) list.undo();
  else if (list.get(id)?.deleted) list.restore(id);
}

/** What a step was, for the toast: "Undid delete", "Redid typing". */
export function describeStep(result: UndoResult, redone: boolean): string {
  const verb = redone ? 'Redid' : 'Undid';
  if (!result.applied) return `Nothing to ${redone ? 'redo' : 'undo'}: someone else changed it since.`;
  return `${verb} ${result.action.kind === 'restore-to' ? 'the restore from history' : result.action.kind}.`;
}

function boundField(target: EventTarget | null): { readonly taskId: TaskId; readonly field: 'title' | 'description' } | null {
  if (!(target instanceof HTMLElement)) return null;
  const testId = target.dataset['testid'];
  const field = testId === 'task-title' ? 'title' : testId === 'task-description' ? 'description' : null;
  const taskId = target.closest<HTMLElement>('[data-task-id]')?.dataset['taskId'];
  return field && taskId ? { taskId: taskId as TaskId, field } : null;
}

function isTextEntry(target: EventTarget | null): boolean {
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(target.type);
}
