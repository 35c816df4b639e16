import type * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import type { UndoState } from './undo-types.js';

/** What the undo history needs of the list it serves. */
export interface UndoHost {
  readonly listId: string;
  /** The local user: tabs hold a list's stored stack per user (see `stack-hold.ts`). */
  readonly userId: string;
  readonly persistence: PersistenceAdapter;
  readonly now: () => number;
  /** The origin of the list's own edits: what the user does through the list's methods. */
  readonly origin: object;
  /** The document of that name, applied from storage if it was not yet; null when the list no longer has it. */
  docOf(name: string): Y.Doc | null;
  /** Moves a live task to the trash in a transaction with `origin`; false when it is not live. */
  softDelete(id: TaskId, origin: unknown): boolean;
  /**
   * What a person sees of the list document (its tasks' places and trash marks), comparable with `===`: a step that
   * reversed only bookkeeping kept beside them (each replica's last move, kept to name superseded moves) changed nothing
   * a person sees.
   */
  listShown(): string;
  changed(state: UndoState): void;
  failed(error: unknown): void;
}
