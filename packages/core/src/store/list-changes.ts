// How an open list reacts to its documents changing: opening and dropping task slots as the list's entries change,
// and one `change` notification per microtask however many documents changed.
import type { ActivityFeed } from '../activity/feed.js';
import type { ListDoc } from '../model/list-doc.js';
import type { FieldSpecs } from '../model/schema/types.js';
import type { ListHydrator } from './list-hydrator.js';
import type { SchemaUpgrade } from './schema-upgrade.js';
import type { SyncCoordinator } from './sync-coordinator.js';
import type { TaskSlot } from './task-slot.js';
import type { TaskSlots } from './task-slots.js';
import type { TaskView } from './task-view.js';

export interface ListChangesHost<F extends FieldSpecs> {
  readonly list: ListDoc;
  readonly slots: TaskSlots;
  readonly view: TaskView<F>;
  readonly hydrator: ListHydrator;
  readonly sync: SyncCoordinator;
  readonly upgrade: SchemaUpgrade;
  readonly feed: ActivityFeed;
  readonly isClosed: () => boolean;
  /** Emits `change` with the tasks as shown now. */
  readonly emitChange: () => void;
  readonly failed: (error: unknown) => void;
}

/** Follows the list's and its tasks' changes and tells the UI, once per microtask. */
export class ListChanges<F extends FieldSpecs> {
  /** Until `load` has handed the stored tasks to the transport in one batch, tasks found on the way wait for it. */
  loaded = false;
  /** The `change` listeners: with none, a change costs no snapshot of the tasks. */
  readonly listeners = new Set<unknown>();
  private queued = false;

  constructor(private readonly host: ListChangesHost<F>) {}

  listChanged(): void {
    const { hydrator, slots, sync } = this.host;
    if (this.host.isClosed()) return;
    this.host.upgrade.check();
    if (hydrator.bindingList) return this.queue();
    const { added, gone } = slots.follow(this.host.list);
    // Tasks found together (a list arriving from the relay) are read from storage in one batch: hand them to sync in
    // one call too, not one per task (each call is a round of promises and a transport batch of its own).
    if (this.loaded && added.length > 0) void Promise.allSettled(added.map((slot) => slot.whenLoaded)).then(() => sync.start(added));
    // A task purged elsewhere: release and clear it here too.
    for (const id of gone) void slots.drop(id).catch((error: unknown) => this.host.failed(error));
    this.queue();
  }

  /** The relay confirmed claims of a document: what is shown of its authors may now be verified. */
  bindingsChanged(doc: string): void {
    // The list's own claims name who deleted the tasks in the trash.
    if (doc === this.host.list.doc.guid) this.host.view.invalidate();
    this.host.slots.byName(doc)?.invalidate();
    this.queue();
  }

  taskChanged(slot: TaskSlot): void {
    if (this.host.isClosed()) return;
    this.host.view.taskChanged(slot.id);
    this.host.feed.touch(slot.id);
    if (this.loaded) this.host.upgrade.taskChanged(slot);
    this.queue();
  }

  /** Anything shown may have changed (the stored tasks are loaded): every task is made again. */
  queueAll(): void {
    this.host.view.invalidate();
    this.queue();
  }

  /** Something shown changed (the view was told what: a task, or the list's entries through their index). */
  queue(): void {
    this.host.sync.changed();
    // While loading, each task's stored state arrives in its own microtask: one notification when all are in, not a
    // snapshot of the whole list per task (quadratic for a large list).
    if (this.queued || !this.loaded) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (!this.host.isClosed() && this.listeners.size > 0) this.host.emitChange();
    });
  }
}
