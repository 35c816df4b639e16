import type { StoredTaskFields } from '../model/task-doc.js';

/**
 * A task's view as a list snapshot stores it: `[title, description, completed, createdAt, updatedAt - createdAt,
 * completedAt - createdAt | null, rest?]`, `rest` holding every other field (alternatives, declared fields) when there
 * is one. The snapshot keeps a view per task, so the view is part of every list's stored bytes: as an object it repeated
 * its keys and wrote each time out in full, about twice the bytes of its content.
 */
type PackedView = [title: string, description: string, completed: boolean, createdAt: number, updated: number, completed: number | null, rest?: Record<string, unknown>];

/**
 * What a list snapshot keeps of a task to show it before its document is applied: its fields without their authors
 * (three authors would double a task's view; they are read from the document once it is applied, a moment later).
 */
export function packView(fields: StoredTaskFields): PackedView {
  const { title, description, completed, createdAt, updatedAt, completedAt, createdBy: _created, updatedBy: _updated, completedBy: _completed, ...rest } = fields;
  const packed: PackedView = [title, description, completed, createdAt, updatedAt - createdAt, completedAt === undefined ? null : completedAt - createdAt];
  if (Object.keys(rest).length > 0) packed.push(rest);
  return packed;
}

/** A stored view as an object of fields, as `taskView` checks it: a packed view is unpacked, anything else is left as it is. */
export function unpackView(view: unknown): unknown {
  if (!Array.isArray(view) || view.length < 6 || view.length > 7) return view;
  const [title, description, completed, createdAt, updated, completedAt, rest] = view as unknown[];
  if (typeof createdAt !== 'number' || typeof updated !== 'number' || (completedAt !== null && typeof completedAt !== 'number')) return null;
  if (rest !== undefined && (typeof rest !== 'object' || rest === null || Array.isArray(rest))) return null;
  return {
    ...rest,
    title,
    description,
    completed,
    createdAt,
    updatedAt: createdAt + updated,
    ...(typeof completedAt === 'number' && { completedAt: createdAt + completedAt }),
  };
}
