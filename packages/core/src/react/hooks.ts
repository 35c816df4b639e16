import { createContext, createElement, useCallback, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Presence } from '../bindings/presence.js';
import type { TaskId } from '../model/ids.js';
import type { ConcordStatus } from '../store/client-status.js';
import type { Concord } from '../store/concord.js';
import type { ListSyncStatus } from '../store/list-status.js';
import type { Task, TaskList } from '../store/task-list.js';
import { holdList, releaseList } from './list-holds.js';
import type { UndoResult, UndoState } from '../undo/undo-types.js';
import { ConcordStatusStore, ListStore, PresenceStore, storeFor, type ExternalStore, type ListSnapshot, type PresenceSnapshot } from './stores.js';

const ConcordContext = createContext<Concord | null>(null);

/** Makes `concord` the client every hook below it uses. One per app, created outside React (it outlives renders). */
export function ConcordProvider({ concord, children }: { readonly concord: Concord; readonly children?: ReactNode }): ReactNode {
  return createElement(ConcordContext.Provider, { value: concord }, children);
}

/** The client of the nearest `ConcordProvider`; throws a clear error outside one. */
export function useConcord(): Concord {
  const concord = useContext(ConcordContext);
  if (concord === null) throw new Error('useConcord: no <ConcordProvider concord={…}> above this component');
  return concord;
}

const listStores = new WeakMap<TaskList, ListStore>();
const presenceStores = new WeakMap<TaskList, PresenceStore>();
const statusStores = new WeakMap<Concord, ConcordStatusStore>();

/** For a list not open yet: nothing, offline, never synced. */
const NO_LIST: ListSnapshot = {
  tasks: [],
  trash: [],
  byId: new Map(),
  status: { state: 'offline', pendingChanges: 0, unsavedTasks: 0, lastSyncedAt: null, firstSync: true, progress: { documentsTotal: 0, documentsSynced: 0 } },
};
const NO_PRESENCE: PresenceSnapshot = { peers: [], editorsByTask: new Map() };
const noStore = <T>(snapshot: T): ExternalStore<T> => ({ subscribe: () => () => {}, getSnapshot: () => snapshot });
const NO_LIST_STORE = noStore(NO_LIST);
const NO_PRESENCE_STORE = noStore(NO_PRESENCE);

function useStore<T>(store: ExternalStore<T>): T {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

function useListSnapshot(list: TaskList | null | undefined): ListSnapshot {
  return useStore(list ? storeFor(listStores, list, (key) => new ListStore(key)) : NO_LIST_STORE);
}

export interface TaskListState extends ListSnapshot {
  /** The open list (for edits: `list.create`, `list.update`, …), or null while it opens from local storage. */
  readonly list: TaskList | null;
  /** True while the list opens from local storage (it never waits for the network). */
  readonly loading: boolean;
  /**
   * True until this device has once completed a sync of the list: an empty `tasks` then means "not downloaded yet",
   * not "no tasks".
   */
  readonly firstSync: boolean;
  /** Why the list could not be opened (an invalid id: `ERR_INVALID_ID`), else null. */
  readonly error: Error | null;
}

/**
 * Opens a list of the provider's client and follows it: tasks in order, the trash, the list's sync status. Renders
 * once per burst of changes (the edits made in one go, or the messages applied in one turn). Components asking for the
 * same list share one instance. A list the hooks opened stays open, and syncing, while any mounted component uses it,
 * and is closed a turn after the last one unmounts; a list your code opened with `concord.openList` before is yours to
 * close.
 */
export function useTaskList(listId: string): TaskListState {
  const concord = useConcord();
  const [opened, setOpened] = useState<{ concord: Concord; id: string; list: TaskList | null; error: Error | null } | null>(null);
  const current = opened !== null && opened.concord === concord && opened.id === listId ? opened : null;
  useEffect(() => {
    let live = true;
    let held = false;
    Promise.resolve()
      .then(() => {
        // Unmounted before this turn: hold nothing, so nothing is left to release.
        if (!live) return null;
        const opening = holdList(concord, listId);
        held = true;
        return opening;
      })
      .then(
        (list) => live && list !== null && setOpened({ concord, id: listId, list, error: null }),
        (error: unknown) => live && setOpened({ concord, id: listId, list: null, error: error instanceof Error ? error : new Error(String(error)) }),
      );
    return () => {
      live = false;
      if (held) releaseList(concord, listId);
    };
  }, [concord, listId]);
  const list = current?.list ?? null;
  const snapshot = useListSnapshot(list);
  return { ...snapshot, list, loading: current === null, firstSync: snapshot.status.firstSync, error: current?.error ?? null };
}

/** One task of a list (live or in the trash), or undefined; renders only when that task changes. */
export function useTask(list: TaskList | null | undefined, id: TaskId | null | undefined): Task | undefined {
  const store = list ? storeFor(listStores, list, (key) => new ListStore(key)) : NO_LIST_STORE;
  return useSyncExternalStore(
    store.subscribe,
    () => (id ? store.getSnapshot().byId.get(id) : undefined),
    () => (id ? store.getSnapshot().byId.get(id) : undefined),
  );
}

/**
 * A list's sync status, or with no list the client's across every open list (`concord.status`: with `online`, false
 * while working offline by choice). Renders only when it changes.
 */
export function useSyncStatus(list: TaskList | null): ListSyncStatus;
export function useSyncStatus(): ConcordStatus;
export function useSyncStatus(list?: TaskList | null): ListSyncStatus | ConcordStatus {
  const concord = useConcord();
  const listStatus = useListSnapshot(list).status;
  const clientStatus = useStore(storeFor(statusStores, concord, (key) => new ConcordStatusStore(key)));
  return list === undefined ? clientStatus : listStatus;
}

export interface PresenceState extends PresenceSnapshot {
  /** To publish who you are and what you edit (`setUser`, `setEditing`, `leave`); null until the list is open. */
  readonly presence: Presence | null;
}

/**
 * Who is on a list and who edits which task and field (core's awareness schema). While the list is offline only you
 * are shown: others' states would be stale. With `user`, publishes it while the component is mounted.
 */
export function usePresence(list: TaskList | null | undefined, user?: { readonly name: string; readonly color?: string }): PresenceState {
  const store = list ? storeFor(presenceStores, list, (key) => new PresenceStore(key)) : null;
  const snapshot = useStore(store ?? NO_PRESENCE_STORE);
  const name = user?.name;
  const color = user?.color;
  useEffect(() => {
    if (!store || name === undefined || store.list.isClosed) return;
    store.presence.setUser({ name, ...(color !== undefined && { color }) });
  }, [store, name, color]);
  return { ...snapshot, presence: store?.presence ?? null };
}

export interface UndoControls extends UndoState {
  /** `list.undo()`; null with no list or nothing to undo. */
  readonly undo: () => UndoResult | null;
  /** `list.redo()`; null with no list or nothing to redo. */
  readonly redo: () => UndoResult | null;
}

const NO_UNDO: UndoState = { canUndo: false, canRedo: false, nextUndo: null, nextRedo: null };

/** A list's undo and redo: what can be undone or redone (renders only when that changes) and the two actions. */
export function useUndo(list: TaskList | null | undefined): UndoControls {
  const subscribe = useCallback(
    (changed: () => void) => {
      if (!list) return () => {};
      list.on('undo', changed);
      return () => list.off('undo', changed);
    },
    [list],
  );
  const read = () => (list && !list.isClosed ? list.undoState : NO_UNDO);
  const state = useSyncExternalStore(subscribe, read, read);
  const undo = useCallback(() => (list && !list.isClosed ? list.undo() : null), [list]);
  const redo = useCallback(() => (list && !list.isClosed ? list.redo() : null), [list]);
  return { ...state, undo, redo };
}
