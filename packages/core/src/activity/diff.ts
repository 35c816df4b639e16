import type { Author } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';
import type { TaskChange } from './events.js';
import type { TaskState } from './state.js';

/** Who and when, for a change the documents cannot attribute (a purge, text that was only deleted). */
export interface Fallback {
  readonly at: number;
  readonly by: Author | null;
}

/**
 * The changes that turn `before` into `after` (either undefined: the task did not exist, or was purged), as people
 * name them. A task whose content has not arrived yet (`createdAt` 0) is not yet created: its creation is reported
 * once its content arrives, with the title it arrived with.
 */
export function diffTask(id: TaskId, before: TaskState | undefined, after: TaskState | undefined, fallback: Fallback): TaskChange[] {
  const was = before !== undefined && before.createdAt > 0 ? before : undefined;
  if (after === undefined) return was ? [change(id, was.title, 'purged', fallback.at, fallback.by, {})] : [];
  if (after.createdAt === 0) return [];
  const events: TaskChange[] = [];
  const title = after.title;
  const push = (kind: TaskChange['kind'], at: number | undefined, by: Author | undefined | null, extra: object = {}) =>
    events.push(change(id, title, kind, at ?? fallback.at, by === undefined ? fallback.by : by, extra));
  if (!was) {
    push('created', after.createdAt, after.createdBy ?? null);
    if (after.completed) push('completed', after.toggledAt, after.toggledBy);
    if (after.deleted) push('deleted', after.deletedAt, after.deletedBy);
    return events;
  }
  const patched = after.updatedAt !== was.updatedAt;
  if (after.title !== was.title) {
    push('renamed', patched ? after.updatedAt : undefined, after.titleBy ?? (patched ? after.updatedBy : undefined), { from: was.title, to: after.title });
  }
  if (after.description !== was.description) {
    const by = after.descriptionBy ?? (patched ? after.updatedBy : undefined);
    push('description-edited', patched ? after.updatedAt : undefined, by, { from: was.description, to: after.description });
  }
  if (after.completed !== was.completed) push(after.completed ? 'completed' : 'reopened', after.toggledAt, after.toggledBy);
  if (after.order !== was.order && after.movedAt !== undefined && (after.movedAt !== was.movedAt || after.movedBy?.user !== was.movedBy?.user)) {
    push('moved', after.movedAt, after.movedBy, { from: was.order ?? '', to: after.order ?? '' });
  }
  if (after.deleted && !was.deleted) push('deleted', after.deletedAt, after.deletedBy);
  if (!after.deleted && was.deleted) push('restored', after.restoredAt, after.restoredBy);
  return events;
}

function change(id: TaskId, title: string, kind: TaskChange['kind'], at: number, by: Author | null, extra: object): TaskChange {
  return { id: changeId(kind, id, at, by), taskId: id, title, at, by, kind, ...extra } as TaskChange;
}

/** The id of a change: what it is, to which task, when and by whom (the same change derived twice has the same id). */
export function changeId(kind: string, taskId: string, at: number, by: Author | null): string {
  return `${kind}:${taskId}:${at}:${by?.user ?? ''}`;
}
