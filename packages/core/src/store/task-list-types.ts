// The public types of an open list (its tasks, patches, events) and what `Concord` hands a list it opens; the class
// itself is in task-list.ts.
import type { Author } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';
import type { CompiledSchema } from '../model/schema/define.js';
import type { FieldPatch, FieldSpecs, FieldValues } from '../model/schema/types.js';
import type { BaseTaskPatch, TaskFields } from '../model/task-doc.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import type { Transport } from '../transport/transport.js';
import type { UndoOptions, UndoState } from '../undo/undo-types.js';
import type { ListSyncStatus } from './list-status.js';
import type { ListSchemaInfo } from './schema-upgrade.js';

/** No declared fields: the type of a list opened without a schema. */
export type NoFields = Record<never, never>;

/** A task as a UI shows it: its list entry, its built-in fields and those the schema declares. */
export type Task<F extends FieldSpecs = NoFields> = BaseTask & FieldValues<F>;

/** A patch of a task: built-in fields and those the schema declares (`null` clears a register). */
export type TypedTaskPatch<F extends FieldSpecs = NoFields> = BaseTaskPatch & FieldPatch<F>;

/** A task's list entry and built-in fields. */
export interface BaseTask extends TaskFields {
  readonly id: TaskId;
  /** The fractional order key; tasks are listed by (order, id). */
  readonly order: string;
  /** Set while the task is in the trash. */
  readonly deleted?: { readonly at: number; readonly by: string };
  /** While in the trash: who deleted it (from the documents' claims) and when. */
  readonly deletedBy?: Author;
  readonly deletedAt?: number;
}

/** The fields and place of a task `list.create` makes; every field is optional. */
export type NewTask<F extends FieldSpecs = NoFields> = NewBaseTask & FieldPatch<F>;

/** The built-in fields and place of a new task. */
export interface NewBaseTask {
  readonly title?: string;
  readonly description?: string;
  readonly completed?: boolean;
  /** Place the task right after this one (null: first). Default: last. */
  readonly after?: TaskId | null;
}

/** A value another replica wrote that does not fit this replica's schema: the task shows the field as absent. */
export interface InvalidFieldReport {
  readonly taskId: TaskId;
  readonly field: string;
  readonly reason: string;
  readonly value: unknown;
}

/** Events of an open `TaskList`. */
export interface TaskListEvents<F extends FieldSpecs = NoFields> {
  /** The tasks changed, by a local edit or one from elsewhere. Fires at most once per microtask. */
  change: (tasks: readonly Task<F>[]) => void;
  /** A task holds a value that does not fit the schema (shown as absent); each written value is reported once. */
  invalidField: (report: InvalidFieldReport) => void;
  /** The list was written by a newer version of the app (`schema` tells which); fires once. */
  newerSchema: (info: ListSchemaInfo) => void;
  /** The list's sync status changed; at most once per event-loop turn, except that a `synced` no longer true is withdrawn at once. */
  status: (status: ListSyncStatus) => void;
  /** A failure that loses nothing already made but needs attention (local storage full, an update refused). */
  error: (error: Error) => void;
  /** The undo or redo stack changed (`canUndo`, `canRedo`, the next steps). */
  undo: (state: UndoState) => void;
}

export interface TaskListContext {
  readonly persistence: PersistenceAdapter;
  readonly transport: Transport | null;
  readonly userId: string;
  readonly now: () => number;
  readonly onClose: () => void;
  /** Keep other tabs of this browser with the same list open in step through a BroadcastChannel. */
  readonly syncTabs: boolean;
  readonly undo?: UndoOptions;
  readonly schema: CompiledSchema;
}
