import * as Y from 'yjs';
import type { ListId, TaskId } from '../model/ids.js';
import { taskDocName } from '../model/ids.js';
import { TaskDoc, type TaskFields } from '../model/task-doc.js';
import type { PersistedDocument, PersistenceAdapter } from '../persistence/persistence.js';

/**
 * One task's document and its lifecycle inside an open list: `loading` until local storage has been read, then
 * `ready`, and `closed` once released. The document exists (and accepts edits) from the start, so creating a task never
 * waits for storage; edits made while loading merge with what storage holds.
 */
export class TaskSlot {
  readonly name: string;
  readonly doc: Y.Doc;
  readonly task: TaskDoc;
  state: 'loading' | 'ready' | 'closed' = 'loading';
  private persisted: PersistedDocument | null = null;
  private cached: TaskFields | null = null;
  readonly whenLoaded: Promise<void>;

  constructor(
    listId: ListId,
    readonly id: TaskId,
    persistence: PersistenceAdapter,
    onChange: (slot: TaskSlot) => void,
  ) {
    this.name = taskDocName(listId, id);
    this.doc = new Y.Doc({ guid: this.name });
    this.task = new TaskDoc(this.doc);
    this.doc.on('update', () => {
      this.cached = null;
      onChange(this);
    });
    this.whenLoaded = persistence.bind(this.name, this.doc).then(async (persisted) => {
      if (this.state === 'closed') {
        await persisted.unbind();
        return;
      }
      this.persisted = persisted;
      this.state = 'ready';
    });
  }

  /** The task's fields, cached until its document changes (a 1,000-task list re-renders without re-reading texts). */
  fields(): TaskFields {
    return (this.cached ??= this.task.read());
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
    this.doc.destroy();
  }
}
