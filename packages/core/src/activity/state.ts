import type * as Y from 'yjs';
import { authorOf, unverified, writerOf, type Author, type Verifier } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';
import { moveKey, type EntryMap } from '../model/list-doc.js';
import { TaskDoc } from '../model/task-doc.js';

/**
 * One task as its list entry and its document say, with who wrote each part and when: what activity events are
 * derived from, by comparing two of them (`diffTask`). Plain data: a relay can build it from documents it loads.
 */
export interface TaskState {
  readonly id: TaskId;
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
  /** The order key; null while the entry's order has not arrived. */
  readonly order: string | null;
  readonly deleted: boolean;
  readonly createdAt: number;
  readonly createdBy?: Author;
  readonly updatedAt: number;
  readonly updatedBy?: Author;
  /** The last write of `completed` (a completion or a reopening). */
  readonly toggledAt?: number;
  readonly toggledBy?: Author;
  readonly deletedAt?: number;
  readonly deletedBy?: Author;
  readonly restoredAt?: number;
  readonly restoredBy?: Author;
  /** The move that gave the task its order key now. */
  readonly movedAt?: number;
  readonly movedBy?: Author;
  /** Who wrote text added to the title or description since an earlier state (see `textAuthor`). */
  readonly titleBy?: Author;
  readonly descriptionBy?: Author;
}

/** How a task's documents are found: the list document and, once it exists locally, the task's own. */
export interface TaskSources {
  readonly listDoc: Y.Doc;
  readonly taskDoc: Y.Doc | null;
  /** Which claims a relay confirmed, per document. */
  readonly verify?: (doc: Y.Doc) => Verifier;
  /** The state vector of the task document at the earlier state: attributes text added since. */
  readonly since?: ReadonlyMap<number, number>;
}

/** Reads a task's state from its documents; undefined when the list has no entry for it (never created, or purged). */
export function readTaskState(id: TaskId, sources: TaskSources): TaskState | undefined {
  const { listDoc, taskDoc } = sources;
  const entry = listDoc.getMap<EntryMap>('tasks').get(id);
  if (entry === undefined) return undefined;
  const verifyList = sources.verify?.(listDoc) ?? unverified;
  const listAuthor = (client: number | undefined) => authorOf(listDoc, client, verifyList);
  const order = entry.get('order');
  const deletedAt = entry.get('deletedAt');
  const restoredAt = entry.get('restoredAt');
  const orderWriter = writerOf(entry, 'order');
  const move = orderWriter === undefined ? undefined : entry.get(moveKey(orderWriter));
  const deletedBy = listAuthor(writerOf(entry, 'deletedAt')) ?? declaredDeleter(entry);
  const list = {
    id,
    order: typeof order === 'string' ? order : null,
    deleted: typeof deletedAt === 'number',
    ...(typeof deletedAt === 'number' && { deletedAt }),
    ...(typeof deletedAt === 'number' && deletedBy && { deletedBy }),
    ...(typeof restoredAt === 'number' && { restoredAt }),
    ...(typeof restoredAt === 'number' && optional('restoredBy', listAuthor(writerOf(entry, 'restoredAt')))),
    ...(Array.isArray(move) && { movedAt: move[1] as number }),
    ...(Array.isArray(move) && optional('movedBy', listAuthor(orderWriter))),
  };
  if (taskDoc === null) return { ...list, title: '', description: '', completed: false, createdAt: 0, updatedAt: 0 };
  const task = new TaskDoc(taskDoc);
  task.verify = sources.verify?.(taskDoc) ?? unverified;
  const fields = task.read();
  const toggledAt = fields.completed ? fields.completedAt : reopenedAt(task);
  const since = sources.since;
  return {
    ...list,
    title: fields.title,
    description: fields.description,
    completed: fields.completed,
    createdAt: fields.createdAt,
    updatedAt: fields.updatedAt,
    ...optional('createdBy', fields.createdBy),
    ...optional('updatedBy', fields.updatedBy),
    ...(typeof toggledAt === 'number' && { toggledAt }),
    ...optional('toggledBy', task.writer('completed')),
    ...(since && optional('titleBy', textAuthor(taskDoc, task.title, since, task.verify))),
    ...(since && optional('descriptionBy', textAuthor(taskDoc, task.description, since, task.verify))),
  };
}

/**
 * Who wrote the characters of `text` added since the state vector `since`: the writer of most of them. Undefined when
 * nothing was added (a change that only deleted: Yjs does not record who deletes).
 */
export function textAuthor(doc: Y.Doc, text: Y.Text, since: ReadonlyMap<number, number>, verify: Verifier = unverified): Author | undefined {
  const added = new Map<number, number>();
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || item.id.clock < (since.get(item.id.client) ?? 0)) continue;
    added.set(item.id.client, (added.get(item.id.client) ?? 0) + item.length);
  }
  let best: number | undefined;
  for (const [client, count] of added) if (best === undefined || count > added.get(best)!) best = client;
  return authorOf(doc, best, verify);
}

/**
 * When a task was reopened: `updatedAt`, if the replica that wrote `completed` wrote `updatedAt` after it (the same
 * change, or a later one of that replica); otherwise unknown.
 */
function reopenedAt(task: TaskDoc): number | undefined {
  const toggle = task.fields._map.get('completed');
  const updated = task.fields._map.get('updatedAt');
  const at = task.fields.get('updatedAt');
  if (toggle === undefined || updated === undefined || typeof at !== 'number') return undefined;
  return updated.id.client === toggle.id.client && updated.id.clock > toggle.id.clock ? at : undefined;
}

/** Lists written before claims existed name the deleter in a plain field: shown, never as verified. */
function declaredDeleter(entry: EntryMap): Author | undefined {
  const by = entry.get('deletedBy');
  return typeof by === 'string' && by !== '' ? { user: by, verified: false } : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
