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

/** Told that the list's feed has new events (read them from the store after the last one the listener has). */
type Listener = () => void;

class ListFeed {
  state: FeedState | null = null;
  /** `state` as readers see it, made once per state. */
  settled: SettledList | null = null;
  /** The list document of the last derivation, while the list is busy. */
  listDoc: OpenListDoc | null = null;
  /** Documents of the list written since the last derivation. */
  readonly dirty = new Set<string>();
  /** Documents read behind the feed's shared state (see `deriveList`): derived again after `LAG_RETRY_MS`. */
  readonly lagging = new Set<string>();
  lagTimer: NodeJS.Timeout | null = null;
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
/** How soon a document read behind the shared feed's state is read again (its updates are on their way). */
const LAG_RETRY_MS = 50;
/** Derivations in a row that another relay's commit may overtake before a caller is answered with an error. */
const MAX_CONFLICTS = 20;

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
    const unsubscribeDurable = options.onDurable((doc) => this.#written(doc));
    // Another relay's commit: readers and webhooks of the list read its events from the shared store.
    const unsubscribeCommits = options.store.onCommit?.((list) => this.#committedElsewhere(list)) ?? (() => undefined);
    this.#unsubscribe = () => {
      unsubscribeDurable();
      unsubscribeCommits();
    };
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
    for (let conflicts = 0; ; ) {
      if (feed.running !== null) await feed.running;
      else if (!feed.verified || feed.dirty.size > 0 || feed.state === null) {
        // A lost race with another relay leaves the list unverified: derived again, from the winner's state.
        if (!(await this.#run(feed)) && ++conflicts >= MAX_CONFLICTS) throw new Error(`the feed of ${list} kept changing on other relays while it was derived`);
      } else break;
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
      if (feed.lagTimer !== null) clearTimeout(feed.lagTimer);
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

  #committedElsewhere(list: string): void {
    const feed = this.#feeds.get(list);
    if (feed === undefined || this.#closed) return;
    feed.stored = true;
    for (const listener of feed.listeners) listener();
  }

  #schedule(feed: ListFeed): void {
    if (feed.timer !== null || feed.running !== null || this.#closed) return;
    feed.timer = setTimeout(() => {
      feed.timer = null;
      this.#run(feed).catch((error: unknown) => this.#options.logger.error({ err: error, list: feed.list }, 'feed derivation failed'));
    }, this.#settleMs);
  }

  /** One derivation; resolves false when another relay committed first (the list is then derived again). */
  #run(feed: ListFeed): Promise<boolean> {
    if (feed.timer !== null) {
      clearTimeout(feed.timer);
      feed.timer = null;
    }
    const running = this.#derive(feed).finally(() => {
      feed.running = null;
      if (feed.dirty.size > 0) this.#schedule(feed);
    });
    // Waiters only wait: the error reaches the caller of `#run` (or the scheduler's log).
    feed.running = running.then(
      () => undefined,
      () => undefined,
    );
    return running;
  }

  /** The state to derive from: the one held, unless another relay committed to a shared store since. */
  async #before(feed: ListFeed): Promise<FeedState> {
    const { store } = this.#options;
    if (feed.state !== null && (store.shared !== true || (await store.version?.(feed.list)) === (feed.state.meta.version ?? 0))) return feed.state;
    return (await store.load(feed.list)) ?? { meta: EMPTY_META, tasks: new Map<string, StoredTask>() };
  }

  async #derive(feed: ListFeed): Promise<boolean> {
    const { reader, store } = this.#options;
    const list = feed.list;
    const all = !feed.verified;
    const dirty = new Set([...feed.dirty, ...feed.lagging]);
    feed.dirty.clear();
    feed.lagging.clear();
    const retry = (): void => {
      // What was not derived is derived next time, from a list document read again.
      feed.listDoc = null;
      for (const doc of dirty) feed.dirty.add(doc);
      if (all) feed.verified = false;
    };
    let before: FeedState;
    let derived: Awaited<ReturnType<typeof deriveList>>;
    try {
      before = await this.#before(feed);
      derived = await deriveList(reader, list, before, { all, dirty }, Date.now(), feed.listDoc);
      feed.listDoc = derived.listDoc;
    } catch (error) {
      retry();
      throw error;
    }
    const { commit, lagging } = derived;
    const tasks = new Map(before.tasks);
    for (const [id, task] of commit.tasks) tasks.set(id, task);
    for (const id of commit.removed) tasks.delete(id);
    const unchanged = commit.tasks.size === 0 && commit.removed.length === 0 && commit.meta.listFingerprint === before.meta.listFingerprint;
    // A list never written (an id someone only read) leaves nothing stored.
    const neverWritten = before.meta === EMPTY_META && tasks.size === 0 && commit.events.length === 0;
    let meta = before.meta;
    if (!unchanged && !neverWritten) {
      if (!(await store.commit(list, commit, before.meta.version ?? 0))) {
        // Another relay committed first: its view is read back and every document compared with it.
        feed.state = null;
        feed.settled = null;
        feed.verified = false;
        retry();
        return false;
      }
      feed.stored = true;
      meta = commit.meta;
    }
    feed.state = { meta, tasks };
    feed.settled = null;
    feed.verified = true;
    if (lagging.length > 0) this.#retryLagging(feed, lagging);
    if (commit.events.length > 0) for (const listener of feed.listeners) listener();
    return true;
  }

  #retryLagging(feed: ListFeed, docs: readonly string[]): void {
    for (const doc of docs) feed.lagging.add(doc);
    if (feed.lagTimer !== null || this.#closed) return;
    feed.lagTimer = setTimeout(() => {
      feed.lagTimer = null;
      for (const doc of feed.lagging) feed.dirty.add(doc);
      feed.lagging.clear();
      this.#schedule(feed);
    }, LAG_RETRY_MS);
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
