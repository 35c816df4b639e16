import type { Concord } from '../store/concord.js';
import type { TaskList } from '../store/task-list.js';

/**
 * Which lists the hooks keep open. A list the hooks opened is closed once no mounted component uses it, a turn after
 * the last one unmounts: React's StrictMode and a route change unmount and mount again within one commit, and reopening
 * would cost a load from storage and a new sync. A list the app had open before a hook asked for it is the app's to
 * close, never closed here.
 */
interface Hold {
  users: number;
  readonly owned: boolean;
  readonly opening: Promise<TaskList>;
  closing: ReturnType<typeof setTimeout> | null;
}

const holds = new WeakMap<Concord, Map<string, Hold>>();

/** Opens (or reuses) the list for one mounted component; pair each call with `releaseList`. */
export function holdList(concord: Concord, listId: string): Promise<TaskList> {
  let byId = holds.get(concord);
  if (!byId) holds.set(concord, (byId = new Map<string, Hold>()));
  let hold = byId.get(listId);
  if (!hold) {
    const owned = !concord.isListOpen(listId);
    hold = { users: 0, owned, opening: concord.openList(listId), closing: null };
    byId.set(listId, hold);
    // A list that failed to open holds nothing: the next component to ask tries again.
    hold.opening.catch(() => byId.delete(listId));
  }
  if (hold.closing !== null) clearTimeout(hold.closing);
  hold.closing = null;
  hold.users++;
  return hold.opening;
}

/** The component that held the list unmounted. */
export function releaseList(concord: Concord, listId: string): void {
  const byId = holds.get(concord);
  const hold = byId?.get(listId);
  if (!byId || !hold || --hold.users > 0) return;
  if (!hold.owned) {
    byId.delete(listId);
    return;
  }
  hold.closing = setTimeout(() => {
    byId.delete(listId);
    hold.opening.then((list) => list.close()).catch(() => undefined);
  }, 0);
}
