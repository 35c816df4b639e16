import * as Y from 'yjs';
import { diffTask, readTaskState, type TaskState } from '@concord/core/activity';
import { compareOrdered, type TaskId } from '@concord/core/model';
import type { DocumentReader } from './document-reader.js';
import { mapConcurrently } from './document-reader.js';
import type { FeedCommit, FeedState, StoredEvent, StoredTask } from './feed-store.js';

const READ_WIDTH = 16;

/** The parts of a task's state its own document holds (the rest comes from its list entry). */
const TASK_DOCUMENT_KEYS = ['title', 'description', 'completed', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'toggledAt', 'toggledBy', 'titleBy', 'descriptionBy'] as const;

/** `listOnly` (read with no task document) completed with what `from` read of the task's document. */
function withTaskDocument(listOnly: TaskState, from: TaskState): TaskState {
  const merged: Record<string, unknown> = { ...listOnly };
  for (const key of TASK_DOCUMENT_KEYS) {
    if (from[key] === undefined) delete merged[key];
    else merged[key] = from[key];
  }
  return merged as unknown as TaskState;
}

/** Live tasks in list order, then the trash in list order. */
export function inListOrder(states: Iterable<TaskState>): { live: TaskState[]; trash: TaskState[] } {
  const placed = [...states].filter((state): state is TaskState & { order: string } => state.order !== null);
  placed.sort(compareOrdered);
  return { live: placed.filter((state) => !state.deleted), trash: placed.filter((state) => state.deleted) };
}

/**
 * One derivation of a list's feed: reads the list document and the task documents that may have changed (`all`, or
 * those in `dirty`, or new in the list), each into a short-lived `Y.Doc`, and compares every task's state with
 * `before` (`diffTask`). Events come in list order (live tasks, then the trash, then purged tasks).
 */
export async function deriveList(
  reader: DocumentReader,
  list: string,
  before: FeedState,
  changed: { readonly all: boolean; readonly dirty: ReadonlySet<string> },
  now: number,
): Promise<FeedCommit> {
  const listRead = await reader.read(list);
  const listChanged = listRead.fingerprint !== before.meta.listFingerprint;
  const { ydoc: listDoc, verify: verifyList } = await reader.open(list, listRead.update);
  try {
    const ids = [...listDoc.getMap('tasks').keys()];
    const tasks = new Map<string, StoredTask>();
    const updated = new Map<string, StoredTask>();
    await mapConcurrently(ids, READ_WIDTH, async (id) => {
      const stored = before.tasks.get(id);
      const doc = `${list}/${id}`;
      const mayHaveChanged = changed.all || changed.dirty.has(doc) || stored === undefined;
      const read = mayHaveChanged ? await reader.read(doc) : null;
      if (stored !== undefined && (read === null || read.fingerprint === stored.fingerprint)) {
        if (!listChanged) return void tasks.set(id, stored);
        const listOnly = readTaskState(id as TaskId, { listDoc, taskDoc: null, verify: () => verifyList });
        const next = { ...stored, state: withTaskDocument(listOnly!, stored.state) };
        tasks.set(id, next);
        updated.set(id, next);
        return;
      }
      const { ydoc: taskDoc, verify: verifyTask } = await reader.open(doc, read!.update);
      try {
        const since = stored === undefined ? undefined : Y.decodeStateVector(Buffer.from(stored.stateVector, 'base64'));
        const state = readTaskState(id as TaskId, { listDoc, taskDoc, verify: (ydoc) => (ydoc === listDoc ? verifyList : verifyTask), ...(since && { since }) });
        const next: StoredTask = { fingerprint: read!.fingerprint, stateVector: Buffer.from(Y.encodeStateVector(taskDoc)).toString('base64'), state: state! };
        tasks.set(id, next);
        updated.set(id, next);
      } finally {
        taskDoc.destroy();
      }
    });
    const events = eventsBetween(before, tasks, now);
    const removed = [...before.tasks.keys()].filter((id) => !tasks.has(id));
    return {
      meta: { seq: before.meta.seq + events.length, listFingerprint: listRead.fingerprint },
      tasks: updated,
      removed,
      events: events.map((event, i) => ({ seq: before.meta.seq + i + 1, event })),
    };
  } finally {
    listDoc.destroy();
  }
}

function eventsBetween(before: FeedState, after: ReadonlyMap<string, StoredTask>, now: number): StoredEvent['event'][] {
  const { live, trash } = inListOrder([...after.values()].map((task) => task.state));
  const follows = new Map(live.map((state, i) => [state.id, i === 0 ? null : live[i - 1]!.id]));
  const purged = [...before.tasks.keys()].filter((id) => !after.has(id));
  const unplaced = [...after.keys()].filter((id) => after.get(id)!.state.order === null);
  const events: StoredEvent['event'][] = [];
  for (const id of [...live.map((state) => state.id), ...trash.map((state) => state.id), ...unplaced, ...purged]) {
    for (const change of diffTask(id as TaskId, before.tasks.get(id)?.state, after.get(id)?.state, { at: now, by: null })) {
      events.push(change.kind === 'moved' || change.kind === 'created' ? { ...change, after: follows.get(id as TaskId) ?? null } : change);
    }
  }
  return events;
}
