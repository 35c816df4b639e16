import * as Y from 'yjs';
import { asListId, listDocName, type ListId } from '../model/ids.js';
import { IndexedDbPersistence } from '../persistence/indexeddb-persistence.js';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import type { Transport } from '../transport/transport.js';
import { TaskList } from './task-list.js';

export interface ConcordOptions {
  /** Local storage. Default: y-indexeddb where IndexedDB exists, else in memory. */
  readonly persistence?: PersistenceAdapter;
  /** How documents reach a relay; omit for a local-only client. One transport carries every open list. */
  readonly transport?: Transport;
  /** Who makes the changes; recorded on deletions. */
  readonly userId?: string;
  /** Clock for timestamps (tests pin it). */
  readonly now?: () => number;
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
  private readonly open = new Map<ListId, Promise<TaskList>>();

  constructor(options: ConcordOptions = {}) {
    this.persistence = options.persistence ?? (typeof indexedDB === 'undefined' ? new MemoryPersistence() : new IndexedDbPersistence());
    this.transport = options.transport ?? null;
    this.userId = options.userId ?? 'anonymous';
    this.now = options.now ?? Date.now;
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
