import * as Y from 'yjs';
import { detectResolutions, diffTask, readTaskState, type Resolution, type TaskState, type Verifier } from '@concord/core/activity';
import { compareOrdered, readAllStored, TaskDoc, type TaskId } from '@concord/core/model';
import type { DocumentReader } from './document-reader.js';
import { mapConcurrently } from './document-reader.js';
import type { FeedCommit, FeedState, StoredEvent, StoredTask, TaskView } from './feed-store.js';

const READ_WIDTH = 16;

/** The parts of a task's state its own document holds (the rest comes from its list entry). */
const TASK_DOCUMENT_KEYS = ['title', 'description', 'completed', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'toggledAt', 'toggledBy', 'titleBy', 'descriptionBy', 'fields', 'alternatives'] as const;

/** `listOnly` (read with no task document) completed with what `from` read of the task's document. */
function withTaskDocument(listOnly: TaskState, from: TaskView): TaskView {
  const merged: Record<string, unknown> = { ...listOnly };
  for (const key of TASK_DOCUMENT_KEYS) {
    if (from[key] === undefined) delete merged[key];
    else merged[key] = from[key];
  }
  return merged as unknown as TaskView;
}

/** What the list entry alone says of a task: a change of it may be a resolution too (a deletion that missed a change). */
const entryOf = (state: TaskState): string => JSON.stringify([state.order, state.deleted, state.deletedAt, state.restoredAt, state.movedAt]);

/** The task's state with its declared fields and text alternatives, as its document holds them. */
function viewOf(state: TaskState, taskDoc: Y.Doc): TaskView {
  const task = new TaskDoc(taskDoc);
  const fields = readAllStored(task);
  const { alternatives } = task.read();
  return { ...state, ...(Object.keys(fields).length > 0 && { fields }), ...(alternatives !== undefined && { alternatives }) };
}

/** A text conflict with what the field read before the colliding edits arrived, when the earlier state had it. */
function withFrom(resolution: Resolution, before: TaskView | undefined): Resolution {
  if (resolution.kind !== 'text-conflict' || resolution.from !== undefined) return resolution;
  const earlier = before?.[resolution.field];
  const versions = new Set([resolution.shown, ...resolution.alternatives].map((version) => version.text));
  return earlier !== undefined && !versions.has(earlier) ? { ...resolution, from: earlier } : resolution;
}

/** Live tasks in list order, then the trash in list order. */
export function inListOrder<T extends TaskState>(states: Iterable<T>): { live: T[]; trash: T[] } {
  const placed = [...states].filter((state): state is T & { order: string } => state.order !== null);
  placed.sort(compareOrdered);
  return { live: placed.filter((state) => !state.deleted), trash: placed.filter((state) => state.deleted) };
}

/** A list document kept open between derivations while its list is busy (dropped with the list's cached view). */
export interface OpenListDoc {
  readonly fingerprint: string;
  readonly ydoc: Y.Doc;
  readonly verify: Verifier;
}

/**
 * One derivation of a list's feed: reads the list document and the task documents that may have changed (`all`, or
 * those in `dirty`, or new in the list), each into a short-lived `Y.Doc`, and compares every task's state with
 * `before` (`diffTask`). Events come in list order (live tasks, then the trash, then purged tasks). Documents read
 * behind the state `before` was derived from (`lagging`) keep their earlier view, to be derived again later.
 */
export async function deriveList(
  reader: DocumentReader,
  list: string,
  before: FeedState,
  changed: { readonly all: boolean; readonly dirty: ReadonlySet<string> },
  now: number,
  cached: OpenListDoc | null,
): Promise<{ commit: FeedCommit; listDoc: OpenListDoc; lagging: readonly string[] }> {
  const listRead = await reader.read(list);
  const listChanged = listRead.fingerprint !== before.meta.listFingerprint;
  // A list of 1,000 tasks takes milliseconds to apply: while edits go to its tasks, the open one is reused.
  const open = cached !== null && cached.fingerprint === listRead.fingerprint ? cached : { fingerprint: listRead.fingerprint, ...(await reader.open(list, listRead.update)) };
  if (open !== cached) cached?.ydoc.destroy();
  const { ydoc: listDoc, verify: verifyList } = open;
  const listStateVector = Y.encodeStateVector(listDoc);
  // With relays sharing the feed, another may have derived from updates that have not reached this one yet: deriving
  // from the older state would report their changes undone. The list is derived again once they arrived.
  if (before.meta.listStateVector !== undefined && isBehind(before.meta.listStateVector, listStateVector)) {
    return { commit: { meta: before.meta, tasks: new Map(), removed: [], events: [] }, listDoc: open, lagging: [list] };
  }
  const lagging: string[] = [];
  const ids = [...listDoc.getMap('tasks').keys()];
  const tasks = new Map<string, StoredTask>();
  const updated = new Map<string, StoredTask>();
  const resolutions = new Map<string, Resolution[]>();
  await mapConcurrently(ids, READ_WIDTH, async (id) => {
    const stored = before.tasks.get(id);
    const doc = `${list}/${id}`;
    const mayHaveChanged = changed.all || changed.dirty.has(doc) || stored === undefined;
    const read = mayHaveChanged ? await reader.read(doc) : null;
    if (stored !== undefined && (read === null || read.fingerprint === stored.fingerprint)) {
      if (!listChanged) return void tasks.set(id, stored);
      const listOnly = readTaskState(id as TaskId, { listDoc, taskDoc: null, verify: () => verifyList })!;
      // An entry whose order or deletion changed is read with its document: the change may be a resolution.
      if (entryOf(listOnly) === entryOf(stored.state)) {
        const next = { ...stored, state: withTaskDocument(listOnly, stored.state) };
        tasks.set(id, next);
        updated.set(id, next);
        return;
      }
    }
    const taskRead = read ?? (await reader.read(doc));
    const { ydoc: taskDoc, verify: verifyTask } = await reader.open(doc, taskRead.update);
    try {
      if (stored !== undefined && isBehind(stored.stateVector, Y.encodeStateVector(taskDoc))) {
        tasks.set(id, stored);
        lagging.push(doc);
        return;
      }
      const since = stored === undefined ? undefined : Y.decodeStateVector(Buffer.from(stored.stateVector, 'base64'));
      const verify = (ydoc: Y.Doc): Verifier => (ydoc === listDoc ? verifyList : verifyTask);
      const state = readTaskState(id as TaskId, { listDoc, taskDoc, verify, ...(since && { since }) })!;
      const known = new Set(stored?.resolutions ?? []);
      const found = detectResolutions(id as TaskId, { listDoc, taskDoc, verify });
      const fresh = found.filter((resolution) => !known.has(resolution.id)).map((resolution) => withFrom(resolution, stored?.state));
      if (fresh.length > 0) resolutions.set(id, fresh);
      const next: StoredTask = {
        fingerprint: taskRead.fingerprint,
        stateVector: Buffer.from(Y.encodeStateVector(taskDoc)).toString('base64'),
        state: viewOf(state, taskDoc),
        ...((known.size > 0 || found.length > 0) && { resolutions: [...new Set([...known, ...found.map((resolution) => resolution.id)])] }),
      };
      tasks.set(id, next);
      updated.set(id, next);
    } finally {
      taskDoc.destroy();
    }
  });
  const events = eventsBetween(before, tasks, resolutions, now);
  const removed = [...before.tasks.keys()].filter((id) => !tasks.has(id));
  const commit = {
    meta: { seq: before.meta.seq + events.length, listFingerprint: listRead.fingerprint, listStateVector: Buffer.from(listStateVector).toString('base64'), version: (before.meta.version ?? 0) + 1 },
    tasks: updated,
    removed,
    events: events.map((event, i) => ({ seq: before.meta.seq + i + 1, event })),
  };
  return { commit, listDoc: open, lagging };
}

/** Whether a document read with `read` (a state vector) lacks updates the state vector `stored` (base64) had. */
function isBehind(stored: string, read: Uint8Array): boolean {
  const had = Y.decodeStateVector(Buffer.from(stored, 'base64'));
  const has = Y.decodeStateVector(read);
  for (const [client, clock] of had) if ((has.get(client) ?? 0) < clock) return true;
  return false;
}

function eventsBetween(before: FeedState, after: ReadonlyMap<string, StoredTask>, resolutions: ReadonlyMap<string, readonly Resolution[]>, now: number): StoredEvent['event'][] {
  const { live, trash } = inListOrder([...after.values()].map((task) => task.state));
  const follows = new Map(live.map((state, i) => [state.id, i === 0 ? null : live[i - 1]!.id]));
  const purged = [...before.tasks.keys()].filter((id) => !after.has(id));
  const unplaced = [...after.keys()].filter((id) => after.get(id)!.state.order === null);
  const events: StoredEvent['event'][] = [];
  for (const id of [...live.map((state) => state.id), ...trash.map((state) => state.id), ...unplaced, ...purged]) {
    for (const change of diffTask(id as TaskId, before.tasks.get(id)?.state, after.get(id)?.state, { at: now, by: null })) {
      events.push(change.kind === 'moved' || change.kind === 'created' ? { ...change, after: follows.get(id as TaskId) ?? null } : change);
    }
    events.push(...(resolutions.get(id) ?? []));
  }
  return events;
}
