import type { Presence, TaskId, TaskTextField } from '@concord/core';

/**
 * Publishes which task field this window edits: the row's title or description that has focus inside `root` (rows
 * carry `data-task-id`, fields `data-testid="task-title"` or `"task-description"`). Returns the function that stops
 * tracking.
 */
export function trackEditing(root: HTMLElement, presence: Presence): () => void {
  const update = () => {
    const active = root.ownerDocument.activeElement;
    const row = active?.closest<HTMLElement>('[data-task-id]');
    const field = fieldOf(active);
    presence.setEditing(row && field ? { taskId: row.dataset.taskId as TaskId, field } : null);
  };
  // Focus moving from one field to another passes through the body: decide once it has landed.
  const onFocusOut = () => queueMicrotask(update);
  root.addEventListener('focusin', update);
  root.addEventListener('focusout', onFocusOut);
  return () => {
    root.removeEventListener('focusin', update);
    root.removeEventListener('focusout', onFocusOut);
  };
}

function fieldOf(element: Element | null): TaskTextField | null {
  const testId = element instanceof HTMLElement ? element.dataset.testid : undefined;
  return testId === 'task-title' ? 'title' : testId === 'task-description' ? 'description' : null;
}
