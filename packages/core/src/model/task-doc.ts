import * as Y from 'yjs';
import { authorOf, unverified, writerOf, type Author, type Verifier } from '../attribution/authors.js';
import { CompiledSchema } from './schema/define.js';
import { writerKey } from './schema/merges.js';
import { migrationClientId, writeAsMigration } from './schema/migration-client.js';
import { readDeclared, writeDeclared, type FieldProblem } from './schema/task-fields.js';
import { editText, readRecords, resolveText, spliceText, type EditRecord, type ResolvedText, type TextAlternative, type TextSplice } from '../text-merge/index.js';

/**
 * The layout of a task document, written into every task document a replica creates, so that a later change of the
 * layout can tell older documents apart. Version 1 is the only layout there has been; an app's own schema versions
 * are recorded apart from it (`schemaVersion` below).
 */
export const TASK_SCHEMA_VERSION = 1;

/** The fields of a task that live in its own document. */
export interface TaskFields {
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
  /** Milliseconds since the epoch; 0 while the creating replica's update has not arrived yet. */
  readonly createdAt: number;
  /** The latest change's time: of a text edit (its hybrid time) or of another field's change. */
  readonly updatedAt: number;
  /** Who created the task (the writer of its `createdAt`), once known. */
  readonly createdBy?: Author;
  /** Who made the latest change through the list's API (the writer of that text edit, or of `updatedAt`). */
  readonly updatedBy?: Author;
  /** While completed: who completed it, and when. */
  readonly completedBy?: Author;
  readonly completedAt?: number;
  /**
   * Other versions of a text field kept after edits made apart collided (see "When two text edits collide" in the
   * README); absent when there are none. Pick one with `TaskList.pickAlternative`.
   */
  readonly alternatives?: TaskAlternatives;
}

/** The alternatives of each text field that has some (built-in or declared with type `text`), latest first. */
export interface TaskAlternatives {
  readonly title?: readonly TextAlternative[];
  readonly description?: readonly TextAlternative[];
  readonly [declaredTextField: string]: readonly TextAlternative[] | undefined;
}

/** The built-in text fields of a task. */
export type TaskTextField = 'title' | 'description';

/** Who makes a local change: the declared user id, and the time by the local clock (milliseconds since the epoch). */
export interface ChangeAuthor {
  readonly userId?: string;
  readonly now: number;
}

/** The built-in fields a patch may change. */
export type BaseTaskPatch = Partial<Pick<TaskFields, 'title' | 'description' | 'completed'>>;
/** A patch: built-in fields and, with a schema, declared ones (checked by the list before it reaches the document). */
export type TaskPatch = BaseTaskPatch & Readonly<Record<string, unknown>>;

/** A task's fields as read: the built-in ones and the declared ones by name. */
export type StoredTaskFields = TaskFields & Readonly<Record<string, unknown>>;

/** A value of the task document's `fields` map. */
export type FieldValue = boolean | number | string;

const NO_SCHEMA = new CompiledSchema(undefined);

/**
 * A task's Yjs document: top-level `title` and `description` texts, a `fields` map, a top-level type per declared
 * field (see `schema/merges.ts`) and `versions`, the app schema versions that wrote it (a key per version: a
 * grow-only set, so concurrent writers of different versions keep both and the highest is read everywhere). Top-level
 * types are created by name on first access, identically on every replica, so two replicas that open the same task
 * concurrently never overwrite each other's content.
 */
export class TaskDoc {
  /** Which claims of this document a relay confirmed (see `Author.verified`). */
  verify: Verifier = unverified;

  constructor(
    readonly doc: Y.Doc,
    readonly schema: CompiledSchema = NO_SCHEMA,
  ) {}

  get title(): Y.Text {
    return this.text('title');
  }
  get description(): Y.Text {
    return this.text('description');
  }
  /** The built-in fields other than texts (`completed`, `createdAt`, …), as the document holds them. */
  get fields(): Y.Map<FieldValue> {
    return this.doc.getMap<FieldValue>('fields');
  }

  /**
   * The shared text of a text field, built-in (`title`, `description`) or declared: every text field is read and
   * written through this one function and `writeText`, so how texts merge is decided in one place for all of them.
   */
  text(field: string): Y.Text {
    return this.doc.getText(textName(field));
  }
  /** The text as shown, its edits resolved (see `resolveText`), and the alternatives kept after a collision. */
  resolveText(field: string, records: readonly EditRecord[] = readRecords(this.doc)): ResolvedText {
    return resolveText(this.doc, textName(field), records);
  }
  /** The text of a field as shown (its edits resolved). */
  readText(field: string): string {
    return this.resolveText(field).text;
  }
  /**
   * Makes the shown text read `value` by its smallest splice, as a recorded edit (see `editText`): edits made apart
   * merge unless they collide. A task's initial texts are written without a record: no other replica can have edited
   * a document that did not exist yet.
   */
  writeText(field: string, value: string): void {
    const text = this.text(field);
    if (this.author === null) {
      if (text.length > 0) text.delete(0, text.length);
      if (value !== '') text.insert(0, value);
    } else editText(this.doc, textName(field), value, this.author);
  }
  /** Who the text edits of the running `update` are by; null while `initialise` runs. A migration's edits have no clock. */
  private author: ChangeAuthor | null = { now: 0 };

  /** The highest app schema version that wrote this task; 1 for a task written with none. */
  get schemaVersion(): number {
    let highest = 1;
    for (const key of this.doc.getMap('versions').keys()) highest = Math.max(highest, Number(key) || 1);
    return highest;
  }

  /** Whether the creating replica's first update is here (an entry can arrive before its document). */
  get created(): boolean {
    return this.fields.has('createdAt');
  }

  /** The task's fields as the schema reads them (values that do not fit left out). */
  read(): StoredTaskFields {
    return this.readChecked().fields;
  }

  /** The task's fields, and the values another replica wrote that do not fit the schema (left out of `fields`). */
  readChecked(): { fields: StoredTaskFields; problems: FieldProblem[] } {
    const fields = this.fields;
    const { values, problems } = readDeclared(this, this.schema);
    const completed = fields.get('completed') === true;
    const createdBy = this.writer('createdAt');
    const completedBy = completed ? this.writer('completed') : undefined;
    const completedAt = fields.get('completedAt');
    const records = readRecords(this.doc);
    const title = this.resolveText('title', records);
    const description = this.resolveText('description', records);
    // A text edit of title or description writes no `updatedAt`: its record says when it was made, and by whom.
    let updatedAt = numberOr(fields.get('updatedAt'), 0);
    let updatedBy = this.writer('updatedAt');
    for (const record of records) {
      if (record.time <= updatedAt) continue;
      updatedAt = record.time;
      updatedBy = authorOf(this.doc, record.client, this.verify);
    }
    const alternatives: Record<string, readonly TextAlternative[]> = {
      ...(title.alternatives.length > 0 && { title: title.alternatives }),
      ...(description.alternatives.length > 0 && { description: description.alternatives }),
    };
    for (const [field, spec] of this.schema.fields) {
      if (spec.type !== 'text') continue;
      const declared = this.resolveText(field, records);
      if (declared.alternatives.length > 0) alternatives[field] = declared.alternatives;
    }
    const read: StoredTaskFields = {
      ...values,
      title: title.text,
      description: description.text,
      completed,
      createdAt: numberOr(fields.get('createdAt'), 0),
      updatedAt,
      ...(createdBy && { createdBy }),
      ...(updatedBy && { updatedBy }),
      ...(completedBy && { completedBy }),
      ...(completed && typeof completedAt === 'number' && { completedAt }),
      ...(Object.keys(alternatives).length > 0 && { alternatives }),
    };
    return { fields: read, problems };
  }

  /** The author of the value a field holds now: the Yjs client id that wrote it, through the document's claims. */
  writer(field: string): Author | undefined {
    return authorOf(this.doc, writerOf(this.fields, field), this.verify);
  }

  /** Writes the initial content of a task this replica creates (the patch is checked against the schema already). */
  initialise(patch: TaskPatch, now: number, origin: unknown): void {
    this.doc.transact(() => {
      this.fields.set('schemaVersion', TASK_SCHEMA_VERSION);
      this.fields.set('createdAt', now);
      if (this.schema.version > 1) this.markVersion(this.schema.version);
      this.fields.set('updatedAt', now);
      this.withAuthor(null, () => this.applyPatch(patch, now));
    }, origin);
  }

  /**
   * Applies a patch: texts as recorded edits of what is shown (edits made apart merge unless they collide), declared
   * fields by their type's rule.
   */
  update(patch: TaskPatch, now: number, origin: unknown, userId?: string): void {
    this.doc.transact(() => this.withAuthor({ now, ...(userId !== undefined && { userId }) }, () => this.applyPatch(patch, now)), origin);
  }

  /**
   * Shows the alternative `alternativeId` of a text field, as a new edit that syncs like any other. Returns false when
   * the field has no such alternative (any more).
   */
  pickAlternative(field: string, alternativeId: string, author: ChangeAuthor, origin: unknown): boolean {
    const alternative = this.resolveText(field).alternatives.find((candidate) => candidate.id === alternativeId);
    if (!alternative) return false;
    this.doc.transact(() => this.withAuthor(author, () => this.writeText(field, alternative.text)), origin);
    return true;
  }

  /** Applies an editor's splice of the shown text as a recorded edit (see `spliceText`). */
  spliceText(field: string, splice: TextSplice, author: ChangeAuthor, origin: unknown): void {
    spliceText(this.doc, textName(field), splice, author, origin);
  }

  private withAuthor<T>(author: ChangeAuthor | null, write: () => T): T {
    const before = this.author;
    this.author = author;
    try {
      return write();
    } finally {
      this.author = before;
    }
  }

  /**
   * Writes a migration's result and the version it produced, with no clock (see `writeDeclared`), under a client id
   * every replica migrating the same state computes alike (see `migrationClientId`): their writes are one.
   */
  applyMigration(patch: TaskPatch, version: number, origin: unknown): void {
    const described = Object.entries(patch).map(([field, value]) => [field, this.schema.fields.get(field)?.type ?? '', value] as const);
    const client = migrationClientId(this.doc, version, described);
    writeAsMigration(this.doc, client, () => {
      writeDeclared(this, this.schema, patch, `m${version}`, null);
      this.markVersion(version);
    }, origin);
  }

  private markVersion(version: number): void {
    const versions = this.doc.getMap<boolean>('versions');
    if (!versions.has(String(version))) versions.set(String(version), true);
  }

  private applyPatch(patch: TaskPatch, now: number): void {
    if (patch.title !== undefined) this.writeText('title', patch.title);
    if (patch.description !== undefined) this.writeText('description', patch.description);
    if (patch.completed !== undefined && this.fields.get('completed') !== patch.completed) {
      this.fields.set('completed', patch.completed);
      // Only a completion's time is kept: a reopening is dated by `updatedAt`, written in the same transaction.
      if (patch.completed) this.fields.set('completedAt', now);
    }
    writeDeclared(this, this.schema, patch, writerKey(this.doc), now);
    if (Object.keys(patch).some((key) => key !== 'title' && key !== 'description')) this.fields.set('updatedAt', now);
  }
}

/** The top-level `Y.Text` of a text field: built-in ones by name, declared ones prefixed. */
function textName(field: string): string {
  return field === 'title' || field === 'description' ? field : `t:${field}`;
}

function numberOr(value: FieldValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
