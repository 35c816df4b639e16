import type { ActivityEventBody, TaskState } from '@concord/core/activity';
import type { TaskFields } from '@concord/core/model';

/**
 * A task as the API shows it: its activity state, the declared fields its document holds (decoded by their stored
 * layout, see `readAllStored`: the relay has no schema) and the alternatives of its texts after a collision.
 */
export type TaskView = TaskState & { readonly fields?: Readonly<Record<string, unknown>>; readonly alternatives?: TaskFields['alternatives'] };

/**
 * The change feed's storage seam: per list, the view the feed last derived events from (what each document looked
 * like, with a fingerprint of its stored state) and the events, numbered from 1. A commit stores the events of one
 * derivation together with the view they lead to, atomically: after a crash either both are stored or neither, so a
 * derivation is never lost nor made twice. Two implementations: LevelDB (`LevelDbFeedStore`) and memory.
 */
export interface StoredTask {
  /** Fingerprint of the task document's stored state when `state` was read. */
  readonly fingerprint: string;
  /** The task document's state vector then (base64): text added since is attributed to its writers. */
  readonly stateVector: string;
  readonly state: TaskView;
  /** Ids of the resolutions (`detectResolutions`) already in the feed: one found again is not an event again. */
  readonly resolutions?: readonly string[];
}

export interface FeedMeta {
  /** The number of the last event (0: none yet). */
  readonly seq: number;
  /** Fingerprint of the list document's stored state at the last derivation ('' before the first). */
  readonly listFingerprint: string;
  /** The list document's state vector at the last derivation (base64): a read behind it is not derived from. */
  readonly listStateVector?: string;
  /** How many commits made this state (absent: 0): a shared store applies a commit only over the version it read. */
  readonly version?: number;
}

export interface FeedState {
  readonly meta: FeedMeta;
  /** Each task of the list as last derived (tasks purged since are not kept). */
  readonly tasks: ReadonlyMap<string, StoredTask>;
}

/** One stored event: its number in the list's feed, and the change (`diffTask`'s, with `after` for a move) or resolution. */
export interface StoredEvent {
  readonly seq: number;
  readonly event: ActivityEventBody & { readonly after?: string | null };
}

export interface FeedCommit {
  readonly meta: FeedMeta;
  /** Tasks whose state changed in this derivation. */
  readonly tasks: ReadonlyMap<string, StoredTask>;
  /** Tasks no longer in the list (purged). */
  readonly removed: readonly string[];
  /** Numbered from the previous `meta.seq` + 1, without gaps. */
  readonly events: readonly StoredEvent[];
}

export interface FeedStore {
  /** Shared by several relays (each may commit): the state is read back before each derivation. */
  readonly shared?: boolean;
  /** Lists with a feed (a state stored), sorted. */
  lists(): Promise<string[]>;
  /** The list's stored state, or null when it has no feed yet. */
  load(list: string): Promise<FeedState | null>;
  /** The list's stored `version` (0 without a feed); a shared store's cheap check that a held state is current. */
  version?(list: string): Promise<number>;
  /**
   * Stores the commit atomically if the stored state is still the one of version `expectedVersion` (the one the
   * derivation started from); false when another relay committed first (nothing stored).
   */
  commit(list: string, commit: FeedCommit, expectedVersion: number): Promise<boolean>;
  /** A shared store calls `listener` with a list's id after any relay committed to it; returns an unsubscribe. */
  onCommit?(listener: (list: string) => void): () => void;
  /** Up to `limit` events numbered above `after`, in order. */
  events(list: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** Small records of other features (webhooks), by key, in the same database. */
  readonly records: RecordStore;
  close(): Promise<void>;
}

/** Ordered key → JSON records: `put`/`delete` of one batch are atomic. */
export interface RecordStore {
  get(key: string): Promise<unknown>;
  /** Records whose key starts with `prefix`, in key order (at most `limit`, after `after` when given). */
  scan(prefix: string, options?: { after?: string; limit?: number; reverse?: boolean }): Promise<{ key: string; value: unknown }[]>;
  batch(operations: readonly ({ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string })[]): Promise<void>;
}

/** Keys of the feed in a record store: list ids hold no NUL, and a fixed-width number sorts numerically. */
export const feedKeys = {
  meta: (list: string): string => `feed\0m\0${list}`,
  metaPrefix: 'feed\0m\0',
  task: (list: string, task: string): string => `feed\0t\0${list}\0${task}`,
  taskPrefix: (list: string): string => `feed\0t\0${list}\0`,
  event: (list: string, seq: number): string => `feed\0e\0${list}\0${seq.toString(16).padStart(13, '0')}`,
  eventPrefix: (list: string): string => `feed\0e\0${list}\0`,
};

/** A FeedStore over any RecordStore: LevelDB and memory differ only in their records. */
export class RecordFeedStore implements FeedStore {
  constructor(
    readonly records: RecordStore,
    private readonly closeRecords: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async lists(): Promise<string[]> {
    return (await this.records.scan(feedKeys.metaPrefix)).map(({ key }) => key.slice(feedKeys.metaPrefix.length));
  }

  async load(list: string): Promise<FeedState | null> {
    const meta = (await this.records.get(feedKeys.meta(list))) as FeedMeta | undefined;
    if (meta === undefined) return null;
    const prefix = feedKeys.taskPrefix(list);
    const tasks = new Map((await this.records.scan(prefix)).map(({ key, value }) => [key.slice(prefix.length), value as StoredTask]));
    return { meta, tasks };
  }

  /** One relay process writes these records, and it derives each list one derivation at a time: always applied. */
  async commit(list: string, { meta, tasks, removed, events }: FeedCommit): Promise<boolean> {
    await this.records.batch([
      { type: 'put', key: feedKeys.meta(list), value: meta },
      ...[...tasks].map(([task, stored]) => ({ type: 'put' as const, key: feedKeys.task(list, task), value: stored })),
      ...removed.map((task) => ({ type: 'del' as const, key: feedKeys.task(list, task) })),
      ...events.map((event) => ({ type: 'put' as const, key: feedKeys.event(list, event.seq), value: event })),
    ]);
    return true;
  }

  async events(list: string, after: number, limit: number): Promise<StoredEvent[]> {
    const found = await this.records.scan(feedKeys.eventPrefix(list), { after: feedKeys.event(list, after), limit });
    return found.map(({ value }) => value as StoredEvent);
  }

  close(): Promise<void> {
    return this.closeRecords();
  }
}

/** Records in memory (tests, and relays started with a storage instead of a data directory). Values are copied as JSON. */
export class MemoryRecordStore implements RecordStore {
  readonly #records = new Map<string, string>();

  get(key: string): Promise<unknown> {
    const text = this.#records.get(key);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as unknown));
  }

  scan(prefix: string, options: { after?: string; limit?: number; reverse?: boolean } = {}): Promise<{ key: string; value: unknown }[]> {
    const keys = [...this.#records.keys()].filter((key) => key.startsWith(prefix) && (options.after === undefined || key > options.after)).sort();
    if (options.reverse === true) keys.reverse();
    const picked = keys.slice(0, options.limit ?? keys.length);
    return Promise.resolve(picked.map((key) => ({ key, value: JSON.parse(this.#records.get(key)!) as unknown })));
  }

  batch(operations: readonly ({ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string })[]): Promise<void> {
    for (const op of operations) {
      if (op.type === 'put') this.#records.set(op.key, JSON.stringify(op.value));
      else this.#records.delete(op.key);
    }
    return Promise.resolve();
  }
}
