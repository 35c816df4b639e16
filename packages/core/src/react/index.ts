/**
 * `@concord/core/react`: React 18 and 19 bindings, on `useSyncExternalStore` (no tearing; one render per burst of
 * changes). React is an optional peer dependency of `@concord/core`: only this subpath imports it.
 * @packageDocumentation
 */
export {
  ConcordProvider,
  useConcord,
  useTaskList,
  useTask,
  useSyncStatus,
  usePresence,
  useUndo,
  type TaskListState,
  type PresenceState,
  type UndoControls,
} from './hooks.js';
export type { ListSnapshot, PresenceSnapshot } from './stores.js';
