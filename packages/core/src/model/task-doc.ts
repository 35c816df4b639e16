import * as Y from 'yjs';
import { authorOf, unverified, writerOf, type Author, type Verifier } from '../attribution/authors.js';
import { setText } from './text.js';

/**
 * Written into every task document a replica creates, so that a later change of the layout can tell older documents
 * apart. Nothing reads it yet: version 1 is the only layout there has been.
 */
export const TASK_SCHEMA_VERSION = 1;

/** The fields of a task that live in its own document. */
export interface TaskFields {
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
  /** Milliseconds since the epoch; 0 while the creating replica's update has not arrived yet. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Who created the task (the writer of its `createdAt`), once known. */
  readonly createdBy?: Author;
  /** Who last changed a field through the list's API (the writer of `updatedAt`). */
  readonly updatedBy?: Author;
  /** While completed: who completed it, and when. */
  readonly completedBy?: Author;
  readonly completedAt?: number;
}

/** The fields of a task `list.update` can change; absent fields stay as they are. */
export type TaskPatch = Partial<Pick<TaskFields, 'title' | 'description' | 'completed'>>;

type FieldValue = boolean | number | string;

/**
 * A task's Yjs document: top-level `title` and `description` texts and a `fields` map. Top-level types are created by
 * name on first access, identically on every replica, so two replicas that open the same task concurrently never
 * overwrite each other's content.
 */
export class TaskDoc {
  /** Which claims of this document a relay confirmed (see `Author.verified`). */
  verify: Verifier = unverified;

  constructor(readonly doc: Y.Doc) {}

  get title(): Y.Text {
    return this.doc.getText('title');
  }
  get description(): Y.Text {
    return this.doc.getText('description');
  }
  get fields(): Y.Map<FieldValue> {
    return this.doc.getMap<FieldValue>('fields');
  }

  read(): TaskFields {
    const fields = this.fields;
    const completed = fields.get('completed') === true;
    const createdBy = this.writer('createdAt');
    const updatedBy = this.writer('updatedAt');
    const completedBy = completed ? this.writer('completed') : undefined;
    const completedAt = fields.get('completedAt');
    return {
      title: this.title.toString(),
      description: this.description.toString(),
      completed,
      createdAt: numberOr(fields.get('createdAt'), 0),
      updatedAt: numberOr(fields.get('updatedAt'), 0),
      ...(createdBy && { createdBy }),
      ...(updatedBy && { updatedBy }),
      ...(completedBy && { completedBy }),
      ...(completed && typeof completedAt === 'number' && { completedAt }),
    };
  }

  /** The author of the value a field holds now: the Yjs client id that wrote it, through the document's claims. */
  writer(field: string): Author | undefined {
    return authorOf(this.doc, writerOf(this.fields, field), this.verify);
  }

  /** Writes the initial content of a task this replica creates. */
  initialise(patch: TaskPatch, now: number, origin: unknown): void {
    this.doc.transact(() => {
      this.fields.set('schemaVersion', TASK_SCHEMA_VERSION);
      this.fields.set('createdAt', now);
      this.applyPatch(patch, now);
    }, origin);
  }

  /** Applies a patch: texts by minimal splice (so concurrent typing merges), fields last-writer-wins. */
  update(patch: TaskPatch, now: number, origin: unknown): void {
    this.doc.transact(() => this.applyPatch(patch, now), origin);
  }

  private applyPatch(patch: TaskPatch, now: number): void {
    if (patch.title !== undefined) setText(this.title, patch.title);
    if (patch.description !== undefined) setText(this.description, patch.description);
    if (patch.completed !== undefined && this.fields.get('completed') !== patch.completed) {
      this.fields.set('completed', patch.completed);
      this.fields.set('completedAt', now);
    }
    this.fields.set('updatedAt', now);
  }
}

function numberOr(value: FieldValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
