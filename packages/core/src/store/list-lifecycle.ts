// An open list's load from local storage (then sync), flush and close: the order in which its parts start and stop.
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { ActivityFeed } from '../activity/feed.js';
import type { VerifiedClients } from '../attribution/verified-clients.js';
import type { ListId } from '../model/ids.js';
import type { FieldSpecs } from '../model/schema/types.js';
import type { UndoHistory } from '../undo/undo-history.js';
import type { ListChanges } from './list-changes.js';
import type { ListHydrator } from './list-hydrator.js';
import type { SchemaUpgrade } from './schema-upgrade.js';
import type { SyncCoordinator } from './sync-coordinator.js';
import type { TaskListContext } from './task-list-types.js';
import type { TaskSlots } from './task-slots.js';

export interface ListLifecycleHost<F extends FieldSpecs> {
  readonly id: ListId;
  readonly listDoc: Y.Doc;
  readonly context: TaskListContext;
  readonly awareness: Awareness;
  readonly slots: TaskSlots;
  readonly hydrator: ListHydrator;
  readonly sync: SyncCoordinator;
  readonly undoHistory: UndoHistory;
  readonly feed: ActivityFeed;
  readonly verified: VerifiedClients;
  readonly stopVerifying: () => void;
  readonly upgrade: SchemaUpgrade;
  readonly changes: ListChanges<F>;
  readonly isClosed: () => boolean;
  readonly forwardError: (error: Error) => void;
  readonly failed: (error: unknown) => void;
}

/** Starts and stops an open list's parts; the TSDoc of each step is on the `TaskList` method that calls it. */
export class ListLifecycle<F extends FieldSpecs> {
  constructor(private readonly host: ListLifecycleHost<F>) {}

  /** `documentsLoaded` gets the promise of every document applied and handed to sync, as soon as there is one. */
  async load(documentsLoaded: (loaded: Promise<void>) => void): Promise<void> {
    const { id, context, undoHistory, hydrator, changes } = this.host;
    // Storage is read once: the undo history's stored stacks (read before any document is applied) come from the
    // list's prefetch, started here, rather than from a read of their own before it.
    const prefetching = context.persistence.prefetch(id);
    prefetching.catch(() => undefined);
    try {
      await undoHistory.load();
    } catch (error) {
      undoHistory.release();
      void prefetching.then((prefetched) => prefetched.release(), () => undefined);
      throw error;
    }
    undoHistory.attach(id, this.host.listDoc);
    let rest: Promise<void> | null;
    try {
      ({ rest } = await hydrator.load(prefetching));
    } catch (error) {
      undoHistory.release();
      throw error;
    }
    changes.loaded = true;
    this.host.feed.begin(this.host.slots.byId.keys());
    changes.queueAll();
    if (rest === null) {
      const loaded = this.startAll();
      documentsLoaded(loaded);
      return loaded;
    }
    const loaded = rest.then(() => this.startAll());
    documentsLoaded(loaded);
    loaded.catch((error: unknown) => this.host.failed(error));
  }

  async flush(): Promise<void> {
    await Promise.all([this.host.context.persistence.flush(), this.host.undoHistory.flush()]);
  }

  /** Called once, right after the list is marked closed. */
  async close(): Promise<void> {
    const { id, context, slots, hydrator } = this.host;
    this.host.sync.close([id, ...[...slots.byId.values()].map((slot) => slot.name)]);
    context.persistence.off('error', this.host.forwardError);
    hydrator.release();
    this.host.stopVerifying();
    await Promise.all([context.persistence.flush(), this.host.undoHistory.close()]);
    await Promise.all([this.host.feed.flush(), this.host.verified.flush()]);
    // While the documents are still bound: the snapshot encodes them as they are.
    await context.persistence.snapshotList(id);
    await slots.closeAll();
    await hydrator.listPersisted?.unbind();
    this.host.awareness.destroy();
    this.host.listDoc.destroy();
    context.onClose();
  }

  private async startAll(): Promise<void> {
    const { hydrator, slots, upgrade, sync } = this.host;
    if (this.host.isClosed()) return;
    await this.host.verified.load(hydrator.listPersisted);
    await this.host.feed.settle(hydrator.listPersisted);
    if (this.host.isClosed()) return;
    upgrade.recordVersion();
    for (const slot of slots.byId.values()) upgrade.taskChanged(slot);
    await sync.start([...slots.byId.values()]);
    sync.allStarted();
  }
}
