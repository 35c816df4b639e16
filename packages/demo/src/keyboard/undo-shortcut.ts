/**
 * The one place the page binds Ctrl+Z (Cmd+Z on a Mac) to "undo". The handler returns whether it undid something;
 * when it did not, the key is left to the browser.
 */
import type { TaskList } from '@concord/core';

export type UndoHandler = () => boolean;

/**
 * The page's undo: what the toast offers first (a delete, or a whole "Clear completed" at once), else the person's
 * last step on the list (core's `list.undo()`: an edit, a burst of typing, a move, a completion), never someone else's.
 */
export function pageUndo(toast: { undo(): boolean }, list: TaskList, announce: (message: string) => void): UndoHandler {
  return () => {
    if (toast.undo()) return true;
    const result = list.undo();
    if (result && !result.applied) announce('Someone else changed that since: nothing was undone.');
    return result !== null;
  };
}

export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** "Ctrl+Z" or "⌘Z", as people read it on their keyboard. */
export function undoKeyLabel(): string {
  return isMac() ? '⌘Z' : 'Ctrl+Z';
}

export function bindUndoShortcut(target: Window, handler: UndoHandler): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing || event.altKey || event.shiftKey) return;
    const modifier = isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
    if (!modifier || event.key.toLowerCase() !== 'z') return;
    if (handler()) event.preventDefault();
  };
  target.addEventListener('keydown', onKeyDown);
  return () => target.removeEventListener('keydown', onKeyDown);
}
