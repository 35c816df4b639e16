import * as Y from 'yjs';
import { authorOf, stateVectorOf, unverified, writerOf, type Verifier } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';
import type { EntryMap } from '../model/list-doc.js';
import { TaskDoc } from '../model/task-doc.js';
import type { Resolution } from './events.js';
import { readTaskState, textAuthor, type TaskSources } from './state.js';

/** The longest chain of earlier order writes walked back from the current one (each move of a task adds one). */
const MAX_MOVE_CHAIN = 10_000;

/**
 * The resolutions the documents of one task show: a deletion that had not seen a change made apart, and moves that a
 * concurrent move replaced. Every replica with the same documents finds the same ones, with the same ids.
 */
export function detectResolutions(id: TaskId, sources: TaskSources): Resolution[] {
  const entry = sources.listDoc.getMap<EntryMap>('tasks').get(id);
  if (entry === undefined) return [];
  const found: Resolution[] = [];
  const unseen = unseenChange(id, entry, sources);
  if (unseen) found.push(unseen);
  found.push(...supersededMoves(id, entry, sources));
  found.push(...textConflicts(id, sources));
  return found;
}

/**
 * Both people replaced the same words apart: the version every replica shows, and the others the task keeps as
 * alternatives (its fields' `alternatives`, from the text fields' edit records). The id names the alternatives, so a
 * new collision is a new event and the same one found again is not.
 */
function textConflicts(id: TaskId, sources: TaskSources): Resolution[] {
  const { taskDoc } = sources;
  if (taskDoc === null) return [];
  const state = readTaskState(id, { ...sources, since: new Map() });
  const fields = new TaskDoc(taskDoc).read();
  if (state === undefined || fields.alternatives === undefined) return [];
  const found: Resolution[] = [];
  for (const field of ['title', 'description'] as const) {
    const alternatives = fields.alternatives[field];
    if (alternatives === undefined || alternatives.length === 0) continue;
    // The shown version's author: who wrote most of the field's characters, leaving out the authors of the versions
    // not shown (the characters of every version are in the text; the shown one is a choice among them).
    const others = new Set(alternatives.flatMap((alternative) => (alternative.by === undefined ? [] : [alternative.by])));
    const text = field === 'title' ? taskDoc.getText('title') : taskDoc.getText('description');
    const shownBy = textAuthor(taskDoc, text, new Map(), sources.verify?.(taskDoc), others) ?? null;
    found.push({
      id: `text-conflict:${id}:${field}:${alternatives.map((alternative) => alternative.id).join(',')}`,
      kind: 'text-conflict',
      taskId: id,
      title: state.title,
      at: Math.max(...alternatives.map((alternative) => alternative.at), state.updatedAt),
      by: shownBy,
      field,
      shown: { text: state[field], by: shownBy, at: state.updatedAt },
      alternatives: alternatives.map(({ id: alternativeId, text, by, at }) => ({ id: alternativeId, text, at, by: by === undefined ? null : { user: by, verified: false } })),
    });
  }
  return found;
}

/** A deletion whose deleter had not seen the task's completion (or another edit) when deleting it. */
function unseenChange(id: TaskId, entry: EntryMap, sources: TaskSources): Resolution | undefined {
  const saw = entry.get('deletedSaw');
  const { taskDoc } = sources;
  if (!(saw instanceof Uint8Array) || taskDoc === null) return undefined;
  const seen = Y.decodeStateVector(saw);
  const state = readTaskState(id, { ...sources, since: seen });
  if (state?.deletedAt === undefined) return undefined;
  const verify = sources.verify?.(taskDoc) ?? unverified;
  const fields = taskDoc.getMap('fields');
  const completion = fields._map.get('completed');
  const beyond = (client: number, clock: number) => clock >= (seen.get(client) ?? 0);
  let change: 'completed' | 'edited' | undefined;
  let changedBy = null;
  let changedAt = state.updatedAt;
  if (state.completed && completion !== undefined && beyond(completion.id.client, completion.id.clock)) {
    change = 'completed';
    changedBy = state.toggledBy ?? null;
    changedAt = state.toggledAt ?? changedAt;
  } else {
    const current = stateVectorOf(taskDoc);
    for (const [client, clock] of current) {
      if (clock > (seen.get(client) ?? 0)) {
        change = 'edited';
        changedBy = state.titleBy ?? state.descriptionBy ?? authorOf(taskDoc, writerOf(fields, 'updatedAt'), verify) ?? authorOf(taskDoc, client, verify) ?? null;
        break;
      }
    }
  }
  if (change === undefined) return undefined;
  return {
    id: `deleted-unseen-change:${id}:${state.deletedAt}`,
    kind: 'deleted-unseen-change',
    taskId: id,
    title: state.title,
    at: state.deletedAt,
    by: state.deletedBy ?? null,
    change,
    changedBy,
    changedAt,
  };
}

/** Each replica's last move that the current order does not descend from: a concurrent move replaced it. */
function supersededMoves(id: TaskId, entry: EntryMap, sources: TaskSources): Resolution[] {
  const current = entry._map.get('order');
  const order = entry.get('order');
  if (current === undefined || current.deleted || typeof order !== 'string') return [];
  const { listDoc } = sources;
  const verify: Verifier = sources.verify?.(listDoc) ?? unverified;
  const store = listDoc.store;
  const ancestors = (client: number, clock: number): boolean => {
    let item: Y.Item | null = current;
    for (let steps = 0; item !== null && steps < MAX_MOVE_CHAIN; steps++) {
      if (item.id.client === client && item.id.clock <= clock && clock < item.id.clock + item.length) return true;
      const origin: Y.ID | null = item.origin;
      const next: Y.AbstractStruct | null = origin === null || (store.clients.get(origin.client)?.length ?? 0) === 0 ? null : Y.getItem(store, origin);
      item = next instanceof Y.Item ? next : null;
    }
    return false;
  };
  const found: Resolution[] = [];
  const title = readTaskState(id, { ...sources, taskDoc: sources.taskDoc })?.title ?? '';
  for (const [key, value] of entry.entries()) {
    if (!key.startsWith('m') || !Array.isArray(value)) continue;
    const client = Number(key.slice(1));
    const [lostOrder, at, clock] = value as unknown as [string, number, number];
    if (client === current.id.client || typeof lostOrder !== 'string' || typeof clock !== 'number') continue;
    if (lostOrder === order || Y.getState(store, client) <= clock || ancestors(client, clock)) continue;
    found.push({
      id: `move-superseded:${id}:${client}:${clock}`,
      kind: 'move-superseded',
      taskId: id,
      title,
      at,
      by: authorOf(listDoc, client, verify) ?? null,
      supersededBy: authorOf(listDoc, current.id.client, verify) ?? null,
      lostOrder,
      keptOrder: order,
    });
  }
  return found;
}
