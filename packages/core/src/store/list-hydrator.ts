import type * as Y from 'yjs';
import { taskDocName, type ListId, type TaskId } from '../model/ids.js';
import { listView, type ListDoc } from '../model/list-doc.js';
import type { StoredTaskFields } from '../model/task-doc.js';
import type { PersistedDocument, PersistenceAdapter, PrefetchedList } from '../persistence/persistence.js';
import { taskView, type TaskSlot } from './task-slot.js';

/** Background hydration applies task documents for this long, then lets the page paint and handle input. */
const HYDRATE_SLICE_MS = 8;

/** What the hydrator needs of the list it loads. */
export interface HydratorHost {
  readonly id: ListId;
  readonly listDoc: Y.Doc;
  readonly list: ListDoc;
  readonly persistence: PersistenceAdapter;
  isClosed(): boolean;
  readonly slots: ReadonlyMap<TaskId, TaskSlot>;
  openSlot(id: TaskId, view: StoredTaskFields | null): TaskSlot;
  /** The list document changed (entries the stored view did not show get their tasks). */
  listChanged(): void;
}

/**
 * Brings a list from local storage into memory: reads it ahead (`prefetch`), shows what the storage holds a view of
 * (a snapshot's copy of the list's entries, of a task's fields) at once, and applies the documents behind those views
 * in the background, a few milliseconds at a time, or at once when an edit needs one.
 */
export class ListHydrator {
  /** The list document's binding to local storage, once bound. */
  listPersisted: PersistedDocument | null = null;
  /** Whether local storage held anything of the list when it was loaded. */
  storedLocally = false;
  /** While the list document's stored state is applied, `load` (not each update) opens the tasks it lists. */
  bindingList = false;
  private listLoading: Promise<void> | null = null;
  /** What local storage read of the list, until every task shown from its stored view has its document applied. */
  private prefetched: PrefetchedList | null = null;

  constructor(private readonly host: HydratorHost) {}

  /**
   * Shows the list from storage: resolves once every task can be read (from its view or its applied document). The
   * returned `rest` resolves once every document is applied (at once when nothing was shown from a view).
   */
  async load(prefetching?: Promise<PrefetchedList>): Promise<{ readonly rest: Promise<void> | null }> {
    const { host } = this;
    const prefetched = await (prefetching ?? host.persistence.prefetch(host.id));
    this.prefetched = prefetched;
    try {
      const entries = listView(prefetched.documents.get(host.id)?.view);
      if (entries) host.list.showStored(entries);
      else await this.hydrateList();
      this.storedLocally = prefetched.documents.size > 0 || host.listDoc.store.clients.size > 0;
      const slots = host.list.entries().map((entry) => {
        const stored = prefetched.documents.get(taskDocName(host.id, entry.id));
        return host.openSlot(entry.id, taskView(stored?.view));
      });
      await Promise.allSettled(slots.map((slot) => slot.whenLoaded));
    } catch (error) {
      this.release();
      throw error;
    }
    if (this.listPersisted && ![...host.slots.values()].some((slot) => slot.state === 'dormant')) {
      this.release();
      return { rest: null };
    }
    return { rest: this.hydrateInBackground() };
  }

  /** Binds the list document to local storage (applying what it holds) if not done yet. */
  hydrateList(): Promise<void> {
    const { host } = this;
    if (!this.listLoading && !host.isClosed()) {
      this.bindingList = true;
      try {
        const bound = host.persistence.bind(host.id, host.listDoc, { view: () => host.list.entries() });
        this.listLoading = bound.then((persisted) => void (this.listPersisted = persisted));
        // Callers that do not wait (an edit) must not leave a rejection unhandled; `load` awaits and reports it.
        this.listLoading.catch(() => undefined);
      } finally {
        this.bindingList = false;
      }
    }
    return this.listLoading ?? Promise.resolve();
  }

  /** Binds are no longer served from the prefetch read. */
  release(): void {
    this.prefetched?.release();
    this.prefetched = null;
  }

  private async hydrateInBackground(): Promise<void> {
    const { host } = this;
    await nextIdleSlice();
    if (host.isClosed()) return;
    if (!this.listPersisted) {
      await this.hydrateList();
      // Entries the stored view did not show (none, unless storage changed under it) get their tasks now.
      host.listChanged();
    }
    let remaining = true;
    while (remaining) {
      await nextIdleSlice();
      if (host.isClosed()) return;
      const started = performance.now();
      remaining = false;
      for (const slot of host.slots.values()) {
        if (slot.state !== 'dormant') continue;
        if (performance.now() - started > HYDRATE_SLICE_MS) {
          remaining = true;
          break;
        }
        slot.hydrate();
      }
    }
    await Promise.allSettled([...host.slots.values()].map((slot) => slot.whenLoaded));
    this.release();
  }
}

/**
 * Resolves when the page is idle (after it rendered what the list shows), or after 250 ms at the latest; at once where
 * there is no `requestIdleCallback` (Node).
 */
function nextIdleSlice(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 250 });
    else setTimeout(resolve, 0);
  });
}
