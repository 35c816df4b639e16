import type { Logger } from 'pino';
import { listIdOf } from '../auth/tokens.js';
import { deriveList, type OpenListDoc } from './derive-list.js';
import type { DocumentReader } from './document-reader.js';
import type { FeedMeta, FeedState, FeedStore, StoredEvent, StoredTask, TaskView } from './feed-store.js';

export interface ListFeedsOptions {
  readonly reader: DocumentReader;
  readonly store: FeedStore;
  readonly logger: Logger;
  /** Subscribes to every durable update of a document (`RelayEngine`'s `updatePersisted`); returns an unsubscribe. */
  readonly onDurable: (listener: (doc: string) => void) => () => void;
  /** How long after a write the feed derives its events: a burst of keystrokes becomes one rename. */
  readonly settleMs?: number;
  /** A list's cached view is dropped once nobody watched it for this long. */
  readonly idleMs?: number;
  /**
   * Compare every document of the list at each read, not only those written through this relay: with other relays
   * sharing the documents, a document this relay has not loaded changes without it hearing of it.
   */
  readonly verifyEachRead?: boolean;
}

/** The list as the feed last derived it. */
export interface SettledList {
  readonly tasks: ReadonlyMap<string, TaskView>;
  readonly meta: FeedMeta;
  /** Fingerprints of the list document and of each task document in the view. */
  readonly fingerprints: readonly string[];
}

type Listener = (events: readonly StoredEvent[]) => void;

class ListFeed {
  state: FeedState | null = null;
  /** `state` as readers see it, made once per state. */
  settled: SettledList | null = null;
  /** The list document of the last derivation, while the list is busy. */
  listDoc: OpenListDoc | null = null;
  /** Documents of the list written since the last derivation. */
  readonly dirty = new Set<string>();
  /** Whether the store holds a state of this list (a list only ever read, never written, has none). */
  stored = false;
  /** False until a derivation compared every document of the list (after a restart, updates may be unprocessed). */
  verified = false;
  running: Promise<void> | null = null;
  timer: NodeJS.Timeout | null = null;
  idleTimer: NodeJS.Timeout | null = null;
  readonly listeners = new Set<Listener>();
  constructor(readonly list: string) {}
}

const EMPTY_META: FeedMeta = { seq: 0, listFingerprint: '' };

/**
 * The task-level change feed of each list, derived from the documents the relay stores: after writes settle, the
 * documents of the list that changed are read (short-lived `Y.Doc`s, off the path of WebSocket traffic), compared with
 * the view of the previous derivation (`deriveTaskEvents`), and the events are stored with the new view in one atomic
 * commit. Events are numbered per list in commit order, which follows the order the relay stored the updates in.
 *
 * A list has a feed from the first time it is read (`settle`); from then on every write to it is derived, watched or
 * not. After a restart the first derivation compares every document with the stored view, so updates stored just
 * before a crash are derived then, once.
 */
export class ListFeeds {
  readonly #feeds = new Map<string, ListFeed>();
  readonly #options: ListFeedsOptions;
  readonly #settleMs: number;
  readonly #idleMs: number;
  readonly #unsubscribe: () => void;
  #closed = false;

  private constructor(options: ListFeedsOptions, tracked: readonly string[]) {
    this.#options = options;
    this.#settleMs = options.settleMs ?? 20;
    this.#idleMs = options.idleMs ?? 5_000;
    for (const list of tracked) {
      const feed = new ListFeed(list);
      feed.stored = true;
      this.#feeds.set(list, feed);
    }
    this.#unsubscribe = options.onDurable((doc) => this.#written(doc));
  }

  static async open(options: ListFeedsOptions): Promise<ListFeeds> {
    return new ListFeeds(options, await options.store.lists());
  }

  /** Derives what was written to `list` until now (and starts its feed if it had none); resolves with its view. */
  async settle(list: string): Promise<SettledList> {
    const feed = this.#feed(list);
    if (this.#options.verifyEachRead === true) {
      // A derivation already running may have read a document before this call: the comparison starts after it.
      if (feed.running !== null) await feed.running.catch(() => undefined);
      feed.verified = false;
    }
    for (;;) {
      if (feed.running !== null) await feed.running;
      else if (!feed.verified || feed.dirty.size > 0 || feed.state === null) await this.#run(feed);
      else break;
    }
    this.#scheduleIdle(feed);
    return (feed.settled ??= settled(feed.state));
  }

  /** Events of `list` numbered above `after`, at most `limit`. Settles the list first. */
  async events(list: string, after: number, limit: number): Promise<StoredEvent[]> {
    await this.settle(list);
    return this.#options.store.events(list, after, limit);
  }

  /** Calls `listener` with each commit's events of `list` from now on; returns an unsubscribe. */
  subscribe(list: string, listener: Listener): () => void {
    const feed = this.#feed(list);
    feed.listeners.add(listener);
    return () => {
      feed.listeners.delete(listener);
      this.#scheduleIdle(feed);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    for (const feed of this.#feeds.values()) {
      if (feed.timer !== null) clearTimeout(feed.timer);
      if (feed.idleTimer !== null) clearTimeout(feed.idleTimer);
    }
    await Promise.all([...this.#feeds.values()].map((feed) => feed.running?.catch(() => undefined) ?? Promise.resolve()));
    for (const feed of this.#feeds.values()) feed.listDoc?.ydoc.destroy();
  }

  #feed(list: string): ListFeed {
    let feed = this.#feeds.get(list);
    if (feed === undefined) this.#feeds.set(list, (feed = new ListFeed(list)));
    return feed;
  }

  #written(doc: string): void {
    const feed = this.#feeds.get(listIdOf(doc));
    if (feed === undefined || this.#closed) return;
    feed.dirty.add(doc);
    this.#schedule(feed);
  }

  #schedule(feed: ListFeed): void {
    if (feed.timer !== null || feed.running !== null || this.#closed) return;
    feed.timer = setTimeout(() => {
      feed.timer = null;
      this.#run(feed).catch((error: unknown) => this.#options.logger.error({ err: error, list: feed.list }, 'feed derivation failed'));
    }, this.#settleMs);
  }

  #run(feed: ListFeed): Promise<void> {
    if (feed.timer !== null) {
      clearTimeout(feed.timer);
      feed.timer = null;
    }
    const running = this.#derive(feed).finally(() => {
      feed.running = null;
      if (feed.dirty.size > 0) this.#schedule(feed);
    });
    feed.running = running;
    return running;
  }

  async #derive(feed: ListFeed): Promise<void> {
    const { reader, store } = this.#options;
    const list = feed.list;
    const before = feed.state ?? (await store.load(list)) ?? { meta: EMPTY_META, tasks: new Map<string, StoredTask>() };
    const all = !feed.verified;
    const dirty = new Set(feed.dirty);
    feed.dirty.clear();
    let commit;
    try {
      ({ commit, listDoc: feed.listDoc } = await deriveList(reader, list, before, { all, dirty }, Date.now(), feed.listDoc));
    } catch (error) {
      // What was not derived is derived next time, from a list document read again.
      feed.listDoc = null;
      for (const doc of dirty) feed.dirty.add(doc);
      if (all) feed.verified = false;
      throw error;
    }
    const tasks = new Map(before.tasks);
    for (const [id, task] of commit.tasks) tasks.set(id, task);
    for (const id of commit.removed) tasks.delete(id);
    const unchanged = commit.tasks.size === 0 && commit.removed.length === 0 && commit.meta.listFingerprint === before.meta.listFingerprint;
    // A list never written (an id someone only read) leaves nothing stored.
    const neverWritten = before.meta === EMPTY_META && tasks.size === 0 && commit.events.length === 0;
    if (!unchanged && !neverWritten) {
      await store.commit(list, commit);
      feed.stored = true;
    }
    feed.state = { meta: commit.meta, tasks };
    feed.settled = null;
    feed.verified = true;
    if (commit.events.length > 0) for (const listener of feed.listeners) listener(commit.events);
  }

  #scheduleIdle(feed: ListFeed): void {
    if (feed.idleTimer !== null) clearTimeout(feed.idleTimer);
    feed.idleTimer = null;
    if (feed.listeners.size > 0 || this.#closed) return;
    feed.idleTimer = setTimeout(() => {
      feed.idleTimer = null;
      // Only the cached view goes: the feed keeps following the list's writes.
      if (feed.listeners.size === 0 && feed.running === null) {
        // An id someone only read is forgotten: its feed starts again, from nothing, when it is next read.
        if (!feed.stored && feed.dirty.size === 0 && feed.timer === null) this.#feeds.delete(feed.list);
        feed.state = null;
        feed.settled = null;
        feed.listDoc?.ydoc.destroy();
        feed.listDoc = null;
      }
    }, this.#idleMs);
    feed.idleTimer.unref();
  }
}

function settled(state: FeedState | null): SettledList {
  if (state === null) throw new Error('the feed has no state after settling');
  const { meta } = state;
  const tasks = new Map([...state.tasks].map(([id, task]) => [id, task.state]));
  const fingerprints = [meta.listFingerprint, ...[...state.tasks.keys()].sort().map((id) => state.tasks.get(id)!.fingerprint)];
  return { tasks, meta, fingerprints };
}
