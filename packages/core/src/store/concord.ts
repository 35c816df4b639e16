import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { asListId, listDocName, type ListId } from '../model/ids.js';
import { CompiledSchema } from '../model/schema/define.js';
import type { FieldSpecs, Schema } from '../model/schema/types.js';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import { SingleDatabasePersistence } from '../persistence/single-database-persistence.js';
import type { TokenSource, WebSocketConstructor } from '../transport/options.js';
import type { Transport } from '../transport/transport.js';
import { WebSocketTransport } from '../transport/websocket-transport.js';
import { combineStatus, sameClientStatus, type ConcordStatus } from './client-status.js';
import { TaskList, type NoFields } from './task-list.js';
import type { UndoOptions } from '../undo/undo-types.js';

/** How a `Concord` client stores and syncs: every option is optional (a local-only client by default). */
export interface ConcordOptions<F extends FieldSpecs = NoFields> {
  /**
   * The app's own task fields, each with a type that fixes how concurrent edits merge, and migrations between schema
   * versions (see the core README). `Task`, `TaskPatch` and `NewTask` are typed from it. A mistake in it is a
   * `TypeError` here.
   */
  readonly schema?: Schema<F>;
  /**
   * Local storage. Default: every document in one IndexedDB database (`SingleDatabasePersistence`) where IndexedDB
   * exists, else in memory. `IndexedDbPersistence` (y-indexeddb, a database per document) remains available.
   */
  readonly persistence?: PersistenceAdapter;
  /**
   * The relay's URL(s), `ws:` or `wss:`: the client builds its `WebSocketTransport` and owns it. With several, a failed
   * attempt moves on to the next. Give either `url` or `transport`; with neither, the client is local-only.
   */
  readonly url?: string | readonly string[];
  /** With `url`: a token, or a function returning a fresh one before each connection attempt (sent as `?token=`). */
  readonly token?: TokenSource;
  /** With `url`: the WebSocket implementation. Default: `globalThis.WebSocket` (browsers, Node 22+); `ws`'s in Node 20. */
  readonly WebSocket?: WebSocketConstructor;
  /** With `url`: connect at once. Default true; false starts offline by choice, until `connect()`. */
  readonly connect?: boolean;
  /**
   * How documents reach a relay, built by the caller (another transport, or a `WebSocketTransport` with non-default
   * options). One transport carries every open list. Go online and offline through `concord.connect()` and
   * `concord.disconnect()`, so `concord.online` stays true to the choice.
   */
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
  /** Each list's undo stack: how many steps it keeps, how long a pause ends a burst of typing (`UNDO_DEFAULTS`). */
  readonly undo?: UndoOptions;
}

/** Events of a `Concord` client. */
export interface ConcordEvents {
  /**
   * The status across every open list (`concord.status`) changed: a list's state or counts, the connection, the
   * choice to be online, or a list opened or closed. At most once per microtask, and only when something changed.
   */
  status: (status: ConcordStatus) => void;
}

/**
 * The entry point: owns the connection to a relay and opens task lists over one local storage.
 *
 * @example
 * const concord = new Concord({ url: 'ws://127.0.0.1:1234' });
 * const list = await concord.openList('groceries');
 * const id = list.create({ title: 'Milk' });
 * list.update(id, { completed: true });
 * list.subscribe((tasks) => render(tasks));
 * concord.on('status', ({ state, pendingChanges }) => show(state, pendingChanges));
 * concord.disconnect(); // work offline; concord.connect() to come back
 */
export class Concord<const F extends FieldSpecs = NoFields> extends ObservableV2<ConcordEvents> {
  readonly persistence: PersistenceAdapter;
  readonly transport: Transport | null;
  private readonly userId: string;
  private readonly now: () => number;
  private readonly syncTabs: boolean;
  private readonly undoOptions: UndoOptions | undefined;
  private readonly open = new Map<ListId, Promise<TaskList<F>>>();
  /** Open lists whose status `status` combines. */
  private readonly opened = new Set<TaskList<F>>();
  private readonly schema: CompiledSchema;
  private wantOnline: boolean;
  private emitted: ConcordStatus;
  private statusQueued = false;
  private readonly statusChanged = (): void => {
    if (this.statusQueued) return;
    this.statusQueued = true;
    queueMicrotask(() => {
      this.statusQueued = false;
      const status = this.status;
      if (sameClientStatus(status, this.emitted)) return;
      this.emitted = status;
      this.emit('status', [status]);
    });
  };

  constructor(options: ConcordOptions<F> = {}) {
    super();
    this.schema = new CompiledSchema(options.schema);
    this.persistence = options.persistence ?? (typeof indexedDB === 'undefined' ? new MemoryPersistence() : new SingleDatabasePersistence());
    this.transport = createTransport(options);
    // A given transport built with `connect: false` is offline by choice; one built connecting is trying to be online.
    this.wantOnline = this.transport !== null && (options.url !== undefined ? options.connect !== false : this.transport.status.state !== 'offline');
    this.transport?.on('status', this.statusChanged);
    this.emitted = this.status;
    this.userId = options.userId ?? 'anonymous';
    this.now = options.now ?? Date.now;
    this.syncTabs = options.syncTabs ?? typeof document !== 'undefined';
    this.undoOptions = options.undo;
  }

  /** Whether the client means to be online: false after `disconnect()` (working offline by choice) or with no relay. */
  get online(): boolean {
    return this.wantOnline;
  }

  /** Where the client stands across every open list (see `ConcordStatus`); a `status` event follows each change. */
  get status(): ConcordStatus {
    const connection = this.transport?.status ?? { state: 'offline', pendingChanges: 0, lastSyncedAt: null };
    return combineStatus(connection, [...this.opened].map((list) => list.status), this.wantOnline);
  }

  /** Goes online (reconnecting with backoff until `disconnect()`), or retries at once if already trying. */
  connect(): void {
    if (!this.transport) throw new TypeError('Concord has no relay to connect to: pass `url` (or `transport`) to new Concord()');
    this.wantOnline = true;
    this.transport.connect();
    this.statusChanged();
  }

  /** Works offline by choice until `connect()`: edits are kept locally and counted as pending, then sent on connect. */
  disconnect(): void {
    this.wantOnline = false;
    this.transport?.disconnect();
    this.statusChanged();
  }

  /** Whether a list with this id is open, or opening: `openList(id)` would then return that instance. */
  isListOpen(id: string): boolean {
    return this.open.has(id as ListId);
  }

  /**
   * Opens a list from local storage (never waiting for the network), then syncs it in the background. Opening a list
   * that is already open returns the same instance.
   */
  openList(id: string): Promise<TaskList<F>> {
    const listId = asListId(id);
    let opening = this.open.get(listId);
    if (!opening) {
      const list = new TaskList<F>(listId, new Y.Doc({ guid: listDocName(listId) }), {
        schema: this.schema,
        persistence: this.persistence,
        transport: this.transport,
        userId: this.userId,
        now: this.now,
        syncTabs: this.syncTabs,
        ...(this.undoOptions && { undo: this.undoOptions }),
        onClose: () => {
          this.open.delete(listId);
          this.opened.delete(list);
          list.off('status', this.statusChanged);
          this.statusChanged();
        },
      });
      opening = list.load().then(() => {
        if (!list.isClosed) {
          this.opened.add(list);
          list.on('status', this.statusChanged);
          this.statusChanged();
        }
        return list;
      });
      opening.catch(() => this.open.delete(listId));
      this.open.set(listId, opening);
    }
    return opening;
  }

  /** Closes every open list, the transport and the local storage. */
  async close(): Promise<void> {
    const lists = await Promise.allSettled([...this.open.values()]);
    await Promise.all(lists.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
    this.transport?.off('status', this.statusChanged);
    this.transport?.destroy();
    this.wantOnline = false;
    await this.persistence.close();
  }
}

function createTransport(options: ConcordOptions<FieldSpecs>): Transport | null {
  const { url, token, WebSocket, connect, transport } = options;
  if (url !== undefined && transport !== undefined) {
    throw new TypeError('new Concord(): give either `url` (the client builds its transport) or `transport`, not both');
  }
  if (url === undefined && (token !== undefined || WebSocket !== undefined || connect !== undefined)) {
    throw new TypeError('new Concord(): `token`, `WebSocket` and `connect` need `url`; a given transport takes them itself');
  }
  if (url === undefined) return transport ?? null;
  return new WebSocketTransport({ url, ...(token !== undefined && { token }), ...(WebSocket && { WebSocket }), ...(connect !== undefined && { connect }) });
}
