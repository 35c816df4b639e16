import * as Y from 'yjs';
import { asListId, listDocName, type ListId } from '../model/ids.js';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import { SingleDatabasePersistence } from '../persistence/single-database-persistence.js';
import type { Transport } from '../transport/transport.js';
import { TaskList } from './task-list.js';

export interface ConcordOptions {
  /**
   * Local storage. Default: every document in one IndexedDB database (`SingleDatabasePersistence`) where IndexedDB
   * exists, else in memory. `IndexedDbPersistence` (y-indexeddb, a database per document) remains available.
   */
  readonly persistence?: PersistenceAdapter;
  /** How documents reach a relay; omit for a local-only client. One transport carries every open list. */
  readonly transport?: Transport;
  /** Who makes the changes; recorded on deletions. */
  readonly userId?: string;
  /** Clock for timestamps (tests pin it). */
  readonly now?: () => number;
  /**
   * Keep tabs of this browser that show the same list in step with no relay (BroadcastChannel). Default: true in
   * browsers; false elsewhere, where several clients in one process would otherwise bypass their relay.
   */
  readonly syncTabs?: boolean;
}

/**
 * The entry point: opens task lists over one local storage and one transport.
 *
 * @example
 * const concord = new Concord({ transport: new WebSocketTransport({ url: 'ws://127.0.0.1:1234' }) });
 * const list = await concord.openList('groceries');
 * const id = list.create({ title: 'Milk' });
 * list.update(id, { completed: true });
 * list.subscribe((tasks) => render(tasks));
 */
export class Concord {
  readonly persistence: PersistenceAdapter;
  readonly transport: Transport | null;
  private readonly userId: string;
  private readonly now: () => number;
  private readonly syncTabs: boolean;
  private readonly open = new Map<ListId, Promise<TaskList>>();

  constructor(options: ConcordOptions = {}) {
    this.persistence = options.persistence ?? (typeof indexedDB === 'undefined' ? new MemoryPersistence() : new SingleDatabasePersistence());
    this.transport = options.transport ?? null;
    this.userId = options.userId ?? 'anonymous';
    this.now = options.now ?? Date.now;
    this.syncTabs = options.syncTabs ?? typeof document !== 'undefined';
  }

  /**
   * Opens a list from local storage (never waiting for the network), then syncs it in the background. Opening a list
   * that is already open returns the same instance.
   */
  openList(id: string): Promise<TaskList> {
    const listId = asListId(id);
    let opening = this.open.get(listId);
    if (!opening) {
      const list = new TaskList(listId, new Y.Doc({ guid: listDocName(listId) }), {
        persistence: this.persistence,
        transport: this.transport,
        userId: this.userId,
        now: this.now,
        syncTabs: this.syncTabs,
        onClose: () => this.open.delete(listId),
      });
      opening = list.load().then(() => list);
      opening.catch(() => this.open.delete(listId));
      this.open.set(listId, opening);
    }
    return opening;
  }

  /** Closes every open list, the transport and the local storage. */
  async close(): Promise<void> {
    const lists = await Promise.allSettled([...this.open.values()]);
    await Promise.all(lists.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
    this.transport?.destroy();
    await this.persistence.close();
  }
}
