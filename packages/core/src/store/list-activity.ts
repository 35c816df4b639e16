import type * as Y from 'yjs';
import type { ListEntry } from '../model/list-doc.js';
import { ActivityFeed } from '../activity/feed.js';
import { RESTORES_KEY, restoreEvents } from '../history/restore-record.js';
import type { TaskState } from '../activity/state.js';
import type { Author, Verifier } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';
import type { EntryMap } from '../model/list-doc.js';
import type { TaskFields } from '../model/task-doc.js';
import type { TaskSlot } from './task-slot.js';

export interface ListActivityHost {
  readonly listDoc: Y.Doc;
  readonly slots: ReadonlyMap<TaskId, TaskSlot>;
  readonly me: Author;
  readonly now: () => number;
  /** Which claims of a document a relay confirmed. */
  readonly verify: (doc: Y.Doc) => Verifier;
  readonly onError: (error: Error) => void;
  /** A task as the list shows it (from a stored view while its document is not in memory). */
  readonly task: (id: TaskId) => ShownTask | undefined;
}

/**
 * The activity feed of an open list: each change of a task's document, or of its entry in the list document, makes the
 * feed derive that task's events at the end of the turn (only the entries a change touched, never the whole list; a
 * batch of more than 64, such as a list arriving from the relay, in idle slices).
 */
export function followActivity(host: ListActivityHost): ActivityFeed {
  const feed = new ActivityFeed({
    listDoc: host.listDoc,
    taskDoc: (id) => host.slots.get(id)?.docInMemory ?? null,
    viewState: (id) => stateOfTask(host.task(id)),
    verify: host.verify,
    me: host.me,
    now: host.now,
    onError: host.onError,
  });
  // Not through getArray: creating the root type here would be a transaction of the list document while it opens.
  host.listDoc.on('afterTransaction', (transaction: Y.Transaction) => {
    const restores = host.listDoc.share.get(RESTORES_KEY);
    if (restores !== undefined && transaction.changed.has(restores)) feed.noteListEvents(restoreEvents(host.listDoc, host.verify(host.listDoc)));
  });
  const tasks = host.listDoc.getMap<EntryMap>('tasks');
  tasks.observeDeep((events) => {
    for (const event of events) {
      const target = event.target as Y.AbstractType<unknown>;
      if (target === tasks) for (const key of event.changes.keys.keys()) feed.touch(key as TaskId);
      else if (typeof target._item?.parentSub === 'string') feed.touch(target._item.parentSub as TaskId);
    }
  });
  return feed;
}

/** A task as the list shows it. */
type ShownTask = TaskFields & Omit<ListEntry, 'deleted'> & { readonly deleted?: unknown; readonly deletedAt?: number; readonly deletedBy?: Author };

/** A task as shown, as a state to derive events from (what a stored view does not hold stays unset). */
function stateOfTask(task: ShownTask | undefined): TaskState | undefined {
  if (task === undefined) return undefined;
  const { id, title, description, completed, order, createdAt, updatedAt, createdBy, updatedBy, completedBy, completedAt } = task;
  return {
    id,
    title,
    description,
    completed,
    order,
    deleted: task.deleted !== undefined,
    createdAt,
    updatedAt,
    ...(createdBy && { createdBy }),
    ...(updatedBy && { updatedBy }),
    ...(completedBy && { toggledBy: completedBy }),
    ...(completedAt !== undefined && { toggledAt: completedAt }),
    ...(task.deletedAt !== undefined && { deletedAt: task.deletedAt }),
    ...(task.deletedBy && { deletedBy: task.deletedBy }),
  };
}
