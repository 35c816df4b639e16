/**
 * @concord/core — offline-first, conflict-free task lists on Yjs.
 * @packageDocumentation
 */
export { Concord, type ConcordOptions, type ConcordEvents } from './store/concord.js';
export type { ConcordStatus } from './store/client-status.js';
export {
  TaskList,
  type Task,
  type BaseTask,
  type NewTask,
  type NewBaseTask,
  type NoFields,
  type TypedTaskPatch as TaskPatch,
  type TaskListEvents,
  type InvalidFieldReport,
} from './store/task-list.js';
export type { ListSchemaInfo } from './store/schema-upgrade.js';
export * from './model/schema/index.js';
export type { ListSyncStatus } from './store/list-status.js';
export type { ListVersion, TaskVersion } from './history/list-history.js';
export { LOCAL_HISTORY_LIMIT } from './history/local-history.js';
export {
  UNDO_DEFAULTS,
  type UndoAction,
  type UndoActionKind,
  type UndoOptions,
  type UndoResult,
  type UndoState,
} from './undo/undo-types.js';
export { TypingOrigin } from './undo/typing-origin.js';
export { ConcordError, ConcordErrorCode, InvalidFieldError, type ConcordErrorCodeValue } from './errors/concord-error.js';
export { asListId, asTaskId, isValidId, newListId, newTaskId, listDocName, taskDocName, type ListId, type TaskId } from './model/ids.js';
export { TASK_SCHEMA_VERSION, type TaskFields, type BaseTaskPatch } from './model/task-doc.js';
export type { Author } from './attribution/authors.js';
export type { ListAuthor } from './members/list-authors.js';
export type { ActivityEvent, ActivityEventBase, ActivityEventBody, ActivityKind, ListRestored, Resolution, TaskChange, TextVersion } from './activity/events.js';
export { isResolution } from './activity/events.js';
export type { TaskAlternatives, ChangeAuthor } from './model/task-doc.js';
export {
  resolveText,
  editText,
  spliceText,
  EDITS_KEY,
  type ResolvedText,
  type TextAlternative,
  type TextEditAuthor,
  type TextSplice,
  type EditRecord,
  type IdRange,
} from './text-merge/index.js';
export type {
  BindOptions,
  PersistenceAdapter,
  PersistedDocument,
  PersistenceEvents,
  PrefetchedDocument,
  PrefetchedList,
} from './persistence/persistence.js';
export {
  SingleDatabasePersistence,
  SINGLE_DATABASE_PERSISTENCE_DEFAULTS,
  type SingleDatabasePersistenceOptions,
} from './persistence/single-database-persistence.js';
export { readListAhead, type ListReadAhead, type ListReadAheadSource } from './persistence/single-database/read-ahead.js';
export { MemoryPersistence, MemoryPersistenceStore } from './persistence/memory-persistence.js';
export {
  IndexedDbPersistence,
  INDEXEDDB_PERSISTENCE_DEFAULTS,
  type IndexedDbPersistenceOptions,
} from './persistence/indexeddb-persistence.js';
export * from './transport/index.js';
export { bindTextInput, TextInputBinding, type TaskTextField, type TextInputElement } from './bindings/text-input.js';
export type { Splice } from './bindings/text-splice.js';
export {
  Presence,
  editorsByTask,
  parsePresence,
  presenceColor,
  PRESENCE_COLORS,
  MAX_PRESENCE_NAME,
  type PresenceState,
  type PresenceUser,
  type EditingField,
  type Peer,
} from './bindings/presence.js';
