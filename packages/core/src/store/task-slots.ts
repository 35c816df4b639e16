// The slots of an open list's tasks: opening one per task the list names, finding one by id or document name, and
// releasing and clearing one whose task was purged.
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import { asTaskId, type ListId, type TaskId } from '../model/ids.js';
import type { ListDoc } from '../model/list-doc.js';
import type { CompiledSchema } from '../model/schema/define.js';
import type { StoredTaskFields } from '../model/task-doc.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import { TaskSlot, type TaskSlotHooks } from './task-slot.js';

export interface TaskSlotsHost {
  readonly listId: ListId;
  readonly persistence: PersistenceAdapter;
  readonly schema: CompiledSchema;
  readonly hooks: TaskSlotHooks;
  /** A slot is being dropped: stop syncing its document. */
  readonly removed: (name: string) => void;
}

/** Every task slot of one open list, by task id. */
export class TaskSlots {
  readonly byId = new Map<TaskId, TaskSlot>();

  constructor(private readonly host: TaskSlotsHost) {}

  /** The task's slot, opened now (with the stored view, if any) when it has none yet. */
  open(id: TaskId, view: StoredTaskFields | null = null): TaskSlot {
    let slot = this.byId.get(id);
    if (!slot) {
      slot = new TaskSlot(this.host.listId, id, this.host.persistence, this.host.hooks, this.host.schema, view);
      this.byId.set(id, slot);
    }
    return slot;
  }

  /** Releases the task's slot and clears its local storage. */
  async drop(id: TaskId): Promise<void> {
    const slot = this.byId.get(id);
    if (!slot) return;
    this.byId.delete(id);
    this.host.removed(slot.name);
    await slot.close();
    await this.host.persistence.clear(slot.name);
  }

  /** The slot of a task document's name (`<list>/<task>`), if this list has it open. */
  byName(name: string): TaskSlot | undefined {
    const prefix = `${this.host.listId}/`;
    if (!name.startsWith(prefix)) return undefined;
    return this.byId.get(name.slice(prefix.length) as TaskId);
  }

  /** The task's slot; throws `ERR_UNKNOWN_TASK` when the list has no such task. */
  of(id: TaskId): TaskSlot {
    const slot = this.byId.get(asTaskId(id));
    if (!slot) throw new ConcordError(ConcordErrorCode.UnknownTask, `no task ${id} in list ${this.host.listId}`);
    return slot;
  }

  /**
   * Opens a slot for each entry that has none (`added`); `gone`: the open tasks the entries no longer name. Looks only
   * at the tasks that joined or left the list since the last call (every task after the entries were read anew), so a
   * create costs no walk over the whole list.
   */
  follow(list: ListDoc): { readonly added: TaskSlot[]; readonly gone: TaskId[] } {
    const { added: joined, removed, full } = list.takeMembership();
    const added: TaskSlot[] = [];
    for (const id of full ? list.entries().map((entry) => entry.id) : joined) {
      if (!this.byId.has(id) && list.entry(id)) added.push(this.open(id));
    }
    const gone = [...(full ? this.byId.keys() : removed)].filter((id) => this.byId.has(id) && !list.entry(id));
    return { added, gone };
  }

  /** Closes every slot (what is stored stays). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.byId.values()].map((slot) => slot.close()));
    this.byId.clear();
  }
}
