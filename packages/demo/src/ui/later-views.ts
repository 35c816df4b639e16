/**
 * The views a list's first screen does not need: the "While you were away" panel, the relay's history and each task's
 * history. They are a module of their own, loaded once the list is painted (`loadLaterViews`), so the first screen
 * waits neither for their code nor for their set-up.
 */
type LaterViews = typeof import('./activity-panel.js');

let views: LaterViews | null = null;
let loading: Promise<LaterViews> | null = null;

/** The views, once loaded (null before). */
export function laterViews(): LaterViews | null {
  return views;
}

/** Loads the views (once) and defines their elements. */
export function loadLaterViews(): Promise<LaterViews> {
  return (loading ??= import('./activity-panel.js').then((loaded) => (views = loaded)));
}
