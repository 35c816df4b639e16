import type { TaskId } from '../model/ids.js';

/**
 * What the user did, as they see it: `typing` is a burst of typing in one field (edits of that field with pauses
 * shorter than `typingBurstMs`), `paste` one paste into a field, `edit` a `list.update()` of title, description or declared fields,
 * `restore-to` a `list.restoreTo()` or `list.restoreVersion()` through a relay (undone, the list is as it was before).
 */
export type UndoActionKind = 'create' | 'delete' | 'restore' | 'move' | 'complete' | 'edit' | 'typing' | 'paste' | 'restore-to';

/** One step on the undo (or redo) stack. */
export interface UndoAction {
  readonly kind: UndoActionKind;
  /** The tasks it concerns. */
  readonly taskIds: readonly TaskId[];
  /** For `typing`, `paste`: the field typed or pasted into. */
  readonly field?: 'title' | 'description';
  /** When it was made (the list's clock). */
  readonly at: number;
}

/** What `undo()` or `redo()` did. */
export interface UndoResult {
  readonly action: UndoAction;
  /**
   * False when nothing could be undone because someone else changed the same thing since (they set the same field,
   * moved the same task, deleted or restored it): their change stands and the step is dropped.
   */
  readonly applied: boolean;
}

/** The state of the undo stacks, as the `undo` event reports it. */
export interface UndoState {
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** The step `undo()` would take back, and the one `redo()` would make again. */
  readonly nextUndo: UndoAction | null;
  readonly nextRedo: UndoAction | null;
}

/** How much undo history a list keeps, and what one step of typing is. */
export interface UndoOptions {
  /** At most this many steps are kept (the oldest go first). */
  readonly limit?: number;
  /** Typing in one field with pauses shorter than this (ms) is one step. */
  readonly typingBurstMs?: number;
}

/** The defaults of `UndoOptions`: 100 steps, a typing pause of 1 s ends a step. */
export const UNDO_DEFAULTS = { limit: 100, typingBurstMs: 1_000 } as const satisfies Required<UndoOptions>;
