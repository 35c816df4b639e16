/**
 * Ctrl+Z (Cmd+Z on a Mac) while the toast offers an Undo runs that Undo (a delete, or a whole "Clear completed" at
 * once); otherwise the key goes on to the list's undo stack (undo-keys.ts). Listens in the capture phase on the
 * window, so it decides before any other handler.
 */
export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** "Ctrl+Z" or "⌘Z", as people read it on their keyboard. */
export function undoKeyLabel(): string {
  return isMac() ? '⌘Z' : 'Ctrl+Z';
}

export function bindToastUndo(target: Window, toast: { undo(): boolean }): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.isComposing || event.altKey || event.shiftKey) return;
    const modifier = isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
    if (!modifier || event.key.toLowerCase() !== 'z') return;
    if (!toast.undo()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  };
  target.addEventListener('keydown', onKeyDown, true);
  return () => target.removeEventListener('keydown', onKeyDown, true);
}
