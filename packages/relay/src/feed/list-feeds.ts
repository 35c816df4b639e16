import type { Logger } from 'pino';
import type { TaskState } from '@concord/core/activity';
import { listIdOf } from '../auth/tokens.js';
import { deriveList } from './derive-list.js';
import type { DocumentReader } from './document-reader.js';
import type { FeedMeta, FeedState, FeedStore, StoredEvent, StoredTask } from './feed-store.js';

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
}

/** The list as the feed last derived it. */
export interface SettledList {
  readonly tasks: ReadonlyMap<string, TaskState>;
  readonly meta: FeedMeta;
  /** Fingerprints of the list document and of each task document in the view. */
  readonly fingerprints: readonly string[];
}

type Listener = (events: readonly StoredEvent[]) => void;

class ListFeed {
  state: FeedState | null = null;
  /** Documents of the list written since the last derivation. */
  readonly dirty = new Set<string>();
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
    for (const list of tracked) this.#feeds.set(list, new ListFeed(list));
    this.#unsubscribe = options.onDurable((doc) => this.#written(doc));
  }

  static async open(options: ListFeedsOptions): Promise<ListFeeds> {
    return new ListFeeds(options, await options.store.lists());
  }

  /** Derives what was written to `list` until now (and starts its feed if it had none); resolves with its view. */
  async settle(list: string): Promise<SettledList> {
    const feed = this.#feed(list);
    for (;;) {
      if (feed.running !== null) await feed.running;
      else if (!feed.verified || feed.dirty.size > 0 || feed.state === null) await this.#run(feed);
      else break;
    }
    this.#scheduleIdle(feed);
    return settled(feed.state);
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

  /** Lists with a feed. */
  get lists(): string[] {
    return [...this.#feeds.keys()];
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    for (const feed of this.#feeds.values()) {
      if (feed.timer !== null) clearTimeout(feed.timer);
      if (feed.idleTimer !== null) clearTimeout(feed.idleTimer);
    }
    await Promise.all([...this.#feeds.values()].map((feed) => feed.running?.catch(() => undefined) ?? Promise.resolve()));
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
    const commit = await deriveList(reader, list, before, { all, dirty }, Date.now());
    const tasks = new Map(before.tasks);
    for (const [id, task] of commit.tasks) tasks.set(id, task);
    for (const id of commit.removed) tasks.delete(id);
    const unchanged = commit.tasks.size === 0 && commit.removed.length === 0 && commit.meta.listFingerprint === before.meta.listFingerprint;
    // A list never written (an id someone only read) leaves nothing stored.
    const neverWritten = before.meta === EMPTY_META && tasks.size === 0 && commit.events.length === 0;
    if (!unchanged && !neverWritten) await store.commit(list, commit);
    feed.state = { meta: commit.meta, tasks };
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
      if (feed.listeners.size === 0 && feed.running === null) feed.state = null;
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
