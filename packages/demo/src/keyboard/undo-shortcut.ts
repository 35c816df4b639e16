/**
 * The one place the page binds Ctrl+Z (Cmd+Z on a Mac) to "undo": whatever the page's undo is (today the toast's Undo
 * after a delete or a clear; a list-wide undo can be pointed at here without touching the views). The handler
 * returns whether it undid something; when it did not, the key is left to the browser (text undo in a field).
 */
export type UndoHandler = () => boolean;

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
