import * as Y from 'yjs';
import type { ListId, TaskId } from '../model/ids.js';
import { taskDocName } from '../model/ids.js';
import type { Author } from '../attribution/authors.js';
import { onlyDeleted } from './list-status.js';
import { packView, unpackView } from './stored-view.js';
import type { CompiledSchema } from '../model/schema/define.js';
import { checkedView, type FieldProblem } from '../model/schema/task-fields.js';
import { TaskDoc, type StoredTaskFields, type TaskAlternatives } from '../model/task-doc.js';
import type { PersistedDocument, PersistenceAdapter } from '../persistence/persistence.js';

/** The built-in fields of a task as read (what a view holds besides the declared ones). */
const BASE_FIELDS: ReadonlySet<string> = new Set(['title', 'description', 'completed', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'completedBy', 'completedAt', 'alternatives']);

export interface TaskSlotHooks {
  /** The task's fields changed. */
  readonly changed: (slot: TaskSlot) => void;
  /** An edit made here deleted something (text of a field): a change no clock shows. */
  readonly deleted: (slot: TaskSlot) => void;
  /** Local storage could not be read for the task. */
  readonly failed: (error: unknown) => void;
  /** The task's document was just created (nothing applied to it yet). */
  readonly created?: (task: TaskDoc) => void;
  /** Reading the task found values another replica wrote that do not fit the schema (shown as absent). */
  readonly problems: (slot: TaskSlot, problems: readonly FieldProblem[]) => void;
}

/**
 * One task's document and its lifecycle inside an open list: `loading` until local storage has been read, then
 * `ready`, and `closed` once released. The document exists (and accepts edits) from the moment it is first needed, so
 * creating a task never waits for storage; edits made while loading merge with what storage holds.
 *
 * A slot opened with a stored view starts `dormant`: it shows the view and creates, binds and applies its document only
 * when something needs it (`doc`, `task`, `hydrate()`), so a 1,000-task list can show its tasks before applying 1,000
 * documents. Hydrating relies on the list being prefetched: the stored state is applied before `bind` returns.
 */
export class TaskSlot {
  readonly name: string;
  state: 'dormant' | 'loading' | 'ready' | 'closed';
  private document: { readonly doc: Y.Doc; readonly task: TaskDoc } | null = null;
  private persisted: PersistedDocument | null = null;
  private cached: StoredTaskFields | null;
  private loading: Promise<void> | null = null;
  private applyingStoredState = false;
  /** Set once the task is edited in this session (not by storage or a remote update). */
  editedHere = false;

  constructor(
    listId: ListId,
    readonly id: TaskId,
    private readonly persistence: PersistenceAdapter,
    private readonly hooks: TaskSlotHooks,
    private readonly schema: CompiledSchema,
    view: StoredTaskFields | null = null,
  ) {
    this.name = taskDocName(listId, id);
    this.cached = view && checkedView(view, BASE_FIELDS, schema);
    this.state = view ? 'dormant' : 'loading';
    if (!view) this.hydrate();
  }

  get doc(): Y.Doc {
    return this.hydrate().doc;
  }

  get task(): TaskDoc {
    return this.hydrate().task;
  }

  /** The document if it is in memory; null while dormant (reading this never creates it). */
  get docInMemory(): Y.Doc | null {
    return this.document?.doc ?? null;
  }

  /** Resolves once local storage has been read into the document (at once for a dormant slot: nothing is read yet). */
  get whenLoaded(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  /** Creates the document and binds it to local storage, if not done yet. */
  hydrate(): { readonly doc: Y.Doc; readonly task: TaskDoc } {
    if (this.document) return this.document;
    const doc = new Y.Doc({ guid: this.name });
    this.document = { doc, task: new TaskDoc(doc, this.schema) };
    this.hooks.created?.(this.document.task);
    const view = this.state === 'dormant' ? this.cached : null;
    this.cached = null;
    if (this.state === 'closed') return this.document;
    if (this.state === 'dormant') this.state = 'loading';
    // Not 'update': with no update listener, Yjs need not encode the stored state back into an event when it is applied.
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.changed.size === 0) return;
      if (transaction.local) this.editedHere = true;
      if (onlyDeleted(transaction)) this.hooks.deleted(this);
      this.cached = null;
      // The stored state a view already showed is no change; a difference is reported once it is in.
      if (!this.applyingStoredState) this.hooks.changed(this);
    });
    this.applyingStoredState = view !== null;
    const bound = this.persistence.bind(this.name, doc, { view: () => packView(this.fields()) });
    this.applyingStoredState = false;
    if (view && !sameFields(view, this.fields())) this.hooks.changed(this);
    this.loading = bound.then(async (persisted) => {
      if (this.state === 'closed') {
        await persisted.unbind();
        return;
      }
      this.persisted = persisted;
      this.state = 'ready';
    });
    this.loading.catch((error: unknown) => this.hooks.failed(error));
    return this.document;
  }

  /**
   * Whether the task's content is on this device: shown from storage (its view or document), made here, or received.
   * A task the list names whose own document has not arrived yet (a list downloading from the relay) has none.
   */
  get hasContent(): boolean {
    return this.cached !== null || (this.document !== null && this.document.doc.store.clients.size > 0);
  }

  /** Reads the fields again (what is known of their authors changed), if the document is in memory. */
  invalidate(): void {
    if (this.document === null) return;
    this.cached = null;
    this.hooks.changed(this);
  }

  /** The task's fields, cached until its document changes (a 1,000-task list re-renders without re-reading texts). */
  fields(): StoredTaskFields {
    if (this.cached) return this.cached;
    const { fields, problems } = this.hydrate().task.readChecked();
    if (problems.length > 0) this.hooks.problems(this, problems);
    return (this.cached = fields);
  }

  get persistedDocument(): PersistedDocument | null {
    return this.persisted;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const persisted = this.persisted;
    this.persisted = null;
    if (persisted) await persisted.unbind();
    this.document?.doc.destroy();
  }
}

/**
 * A stored view, checked: anything else is no view (the document is then applied before it is shown). Declared fields
 * are kept as stored; the slot checks them against the schema (`checkedView`) before they are shown.
 */
export function taskView(stored: unknown): StoredTaskFields | null {
  const view = unpackView(stored);
  if (typeof view !== 'object' || view === null) return null;
  const { title, description, completed, createdAt, updatedAt, createdBy, updatedBy, completedBy, completedAt, alternatives } = view as Record<string, unknown>;
  if (typeof title !== 'string' || typeof description !== 'string' || typeof completed !== 'boolean') return null;
  if (typeof createdAt !== 'number' || typeof updatedAt !== 'number') return null;
  if (alternatives !== undefined && !isAlternatives(alternatives)) return null;
  const authors = { createdBy: authorView(createdBy), updatedBy: authorView(updatedBy), completedBy: authorView(completedBy) };
  if (Object.values(authors).includes(null)) return null;
  return {
    ...(view as Record<string, unknown>),
    title,
    description,
    completed,
    createdAt,
    updatedAt,
    ...(authors.createdBy && { createdBy: authors.createdBy }),
    ...(authors.updatedBy && { updatedBy: authors.updatedBy }),
    ...(authors.completedBy && { completedBy: authors.completedBy }),
    ...(typeof completedAt === 'number' && { completedAt }),
    ...(alternatives !== undefined && { alternatives }),
  };
}

function isAlternatives(value: unknown): value is TaskAlternatives {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).every(
    ([field, list]) =>
      (field === 'title' || field === 'description') &&
      Array.isArray(list) &&
      list.every((item: unknown) => {
        const { id, text, at, by } = (item ?? {}) as Record<string, unknown>;
        return typeof id === 'string' && typeof text === 'string' && typeof at === 'number' && (by === undefined || typeof by === 'string');
      }),
  );
}

/** An author in a stored view: undefined when absent, null when malformed. */
function authorView(value: unknown): Author | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return null;
  const { user, verified } = value as Record<string, unknown>;
  return typeof user === 'string' && typeof verified === 'boolean' ? { user, verified } : null;
}

function sameFields(a: StoredTaskFields, b: StoredTaskFields): boolean {
  return (
    sameDeclared(a, b) &&
    a.title === b.title &&
    a.description === b.description &&
    a.completed === b.completed &&
    a.createdAt === b.createdAt &&
    a.updatedAt === b.updatedAt &&
    a.completedAt === b.completedAt &&
    sameAuthor(a.createdBy, b.createdBy) &&
    sameAuthor(a.updatedBy, b.updatedBy) &&
    sameAuthor(a.completedBy, b.completedBy) &&
    JSON.stringify(a.alternatives) === JSON.stringify(b.alternatives)
  );
}

function sameAuthor(a: Author | undefined, b: Author | undefined): boolean {
  return a?.user === b?.user && a?.verified === b?.verified;
}

/** Declared values are JSON values (strings, numbers, booleans, arrays of strings), so comparing their JSON is exact. */
function sameDeclared(a: StoredTaskFields, b: StoredTaskFields): boolean {
  const declared = (fields: StoredTaskFields) => Object.keys(fields).filter((key) => !BASE_FIELDS.has(key));
  const keys = declared(a);
  if (keys.length !== declared(b).length) return false;
  return keys.every((key) => a[key] === b[key] || JSON.stringify(a[key]) === JSON.stringify(b[key]));
}
