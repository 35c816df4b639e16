import * as Y from 'yjs';
import { stateVectorOf, type Author, type Verifier } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';
import type { PersistedDocument } from '../persistence/persistence.js';
import { diffTask } from './diff.js';
import type { ActivityEvent, ActivityEventBody, Resolution } from './events.js';
import { detectResolutions } from './resolutions.js';
import { readTaskState, type TaskState } from './state.js';
import { decodeFeed, encodeFeed, FEED_META_KEY } from './stored-feed.js';

/** Edits of one text by one person closer together than this read as one rename, not one per keystroke. */
export const COALESCE_MS = 5 * 60_000;
/**
 * Events the local cache keeps: older ones are dropped from it (the documents keep what matters of them). The cache is
 * stored with the list, so it is part of every list's stored bytes: about 35 KB at this limit (`stored-feed.ts`).
 */
export const FEED_LIMIT = 500;
/**
 * More tasks than this changed in one turn (a list arriving from the relay): their events are derived this many at a
 * time when the page is idle, not in the turns that apply the list. Reading the feed derives whatever is left at once.
 */
const SLICE = 64;

/** Runs `work` when the main thread is idle (browsers), else in a later task. */
const whenIdle = (work: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 1_000 });
  else setTimeout(work, 0);
};

/** What the feed needs of the open list it follows. */
export interface FeedHost {
  readonly listDoc: Y.Doc;
  /** The task's document when it is in memory (never loads one). */
  taskDoc(id: TaskId): Y.Doc | null;
  /** A task as the list shows it now from stored views, without loading its document. */
  viewState(id: TaskId): TaskState | undefined;
  readonly verify: (doc: Y.Doc) => Verifier;
  readonly me: Author;
  now(): number;
  onError(error: Error): void;
}

interface Followed {
  state: TaskState | undefined;
  /** The task document's state vector at `state`: text added since is attributed to its writers. */
  sv: Map<number, number> | null;
}

/**
 * A list's activity feed: the events that turned each task's state into the next one this replica saw (`diffTask`),
 * and the resolutions its documents show (`detectResolutions`). It holds nothing the documents do not say: it is a
 * cache of what was derived from them, kept beside the list document so it survives a restart.
 */
export class ActivityFeed {
  private readonly followed = new Map<TaskId, Followed>();
  private events: ActivityEvent[] = [];
  private readonly ids = new Set<string>();
  private seq = 0;
  private readonly dirty = new Set<TaskId>();
  private refreshQueued = false;
  private sliceQueued = false;
  private started = false;
  private store: PersistedDocument | null = null;
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;

  constructor(private readonly host: FeedHost) {}

  /** Takes the tasks as storage shows them as the starting point: nothing before this is an event. */
  begin(ids: Iterable<TaskId>): void {
    for (const id of ids) if (!this.followed.has(id)) this.followed.set(id, { state: this.host.viewState(id), sv: null });
    this.started = true;
  }

  /**
   * Once every document is in memory, before sync: the starting point of each task is re-read from its documents, and
   * the cached events of earlier sessions are read from storage.
   */
  async settle(store: PersistedDocument | null): Promise<void> {
    this.refresh();
    for (const [id, followed] of this.followed) {
      const doc = this.host.taskDoc(id);
      if (doc === null || followed.sv !== null) continue;
      followed.state = this.read(id, doc, null);
      followed.sv = stateVectorOf(doc);
    }
    this.store = store;
    const stored = store === null ? [] : decodeFeed(await store.getMeta(FEED_META_KEY));
    const fresh = this.events;
    this.events = [];
    this.ids.clear();
    this.seq = 0;
    for (const event of stored) this.keep(event, event.seq);
    for (const event of fresh) this.add(event);
    for (const id of this.followed.keys()) this.dirty.add(id);
    this.refresh();
  }

  /** Something of this task changed (its document or its entry): its events are derived at the end of the turn. */
  touch(id: TaskId): void {
    if (!this.started) return;
    this.dirty.add(id);
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      if (this.dirty.size > SLICE) this.refreshInSlices();
      else this.refresh();
    });
  }

  private refreshInSlices(): void {
    if (this.sliceQueued) return;
    this.sliceQueued = true;
    whenIdle(() => {
      this.sliceQueued = false;
      this.refresh(SLICE);
      if (this.dirty.size > 0) this.refreshInSlices();
    });
  }

  /** Events about the whole list (restores), derived from the list document: each is added once. */
  noteListEvents(events: readonly ActivityEventBody[]): void {
    let added = false;
    for (const event of events) added = this.add(event) || added;
    if (added) this.save();
  }

  /** The task was purged here: a purge leaves nothing in the documents to say who did it. */
  purgedHere(id: TaskId): void {
    this.refreshTask(id, { at: this.host.now(), by: this.host.me });
  }

  /** Events with `seq` above `since`, oldest first; only those of one task with `taskId`. */
  list(options: { readonly since?: number; readonly taskId?: TaskId } = {}): ActivityEvent[] {
    this.refresh();
    const since = options.since ?? 0;
    return this.events.filter((event) => event.seq > since && (options.taskId === undefined || event.taskId === options.taskId));
  }

  /** The `seq` of the newest event: store it as "seen", pass it as `since` later. */
  get cursor(): number {
    this.refresh();
    return this.seq;
  }

  /** Resolves once the feed's cache is stored. */
  async flush(): Promise<void> {
    await this.saving;
  }

  /** Derives the events of the tasks that changed: all of them, or the first `limit`. */
  private refresh(limit = Infinity): void {
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty].slice(0, limit);
    for (const id of ids) this.dirty.delete(id);
    let added = false;
    for (const id of ids) added = this.refreshTask(id, { at: this.host.now(), by: null }) || added;
    if (added) this.save();
  }

  private refreshTask(id: TaskId, fallback: { at: number; by: Author | null }): boolean {
    const followed = this.followed.get(id) ?? { state: undefined, sv: null };
    const doc = this.host.taskDoc(id);
    const after = doc === null ? this.host.viewState(id) : this.read(id, doc, followed.sv);
    let added = false;
    for (const event of diffTask(id, followed.state, after, fallback)) added = this.add(event) || added;
    if (doc !== null && after !== undefined) {
      const sources = { listDoc: this.host.listDoc, taskDoc: doc, verify: this.host.verify };
      for (const resolution of detectResolutions(id, sources)) added = this.add(this.withFrom(resolution, followed.state)) || added;
    }
    if (after === undefined) this.followed.delete(id);
    else this.followed.set(id, { state: after, sv: doc === null ? followed.sv : stateVectorOf(doc) });
    return added;
  }

  /**
   * A text conflict with what the field read before the colliding edits arrived, as this replica saw it (the documents
   * no longer say): the earlier state, or where the renames that brought in the versions started.
   */
  private withFrom(resolution: Resolution, before: TaskState | undefined): Resolution {
    if (resolution.kind !== 'text-conflict') return resolution;
    const versions = new Set([resolution.shown, ...resolution.alternatives].map((version) => version.text));
    const kind = resolution.field === 'title' ? 'renamed' : 'description-edited';
    const earlier = before?.[resolution.field];
    if (earlier !== undefined && !versions.has(earlier)) return { ...resolution, from: earlier };
    for (const event of [...this.events].reverse()) {
      if (event.taskId !== resolution.taskId || event.kind !== kind || !versions.has(event.to)) continue;
      if (!versions.has(event.from)) return { ...resolution, from: event.from };
    }
    return resolution;
  }

  private read(id: TaskId, doc: Y.Doc, since: Map<number, number> | null): TaskState | undefined {
    return readTaskState(id, { listDoc: this.host.listDoc, taskDoc: doc, verify: this.host.verify, ...(since && { since }) });
  }

  /** Appends an event unless the feed has it; a text edit right after the same person's last one of it extends that. */
  private add(event: ActivityEventBody): boolean {
    if (this.ids.has(event.id)) return false;
    if (event.kind === 'renamed' || event.kind === 'description-edited') {
      const last = this.events.findLast((candidate) => candidate.taskId === event.taskId);
      if (last?.kind === event.kind && last.by?.user === event.by?.user && event.at - last.at < COALESCE_MS) {
        this.events.splice(this.events.lastIndexOf(last), 1);
        this.ids.delete(last.id);
        if (last.from === event.to) return true;
        return this.keep({ ...event, from: last.from }, ++this.seq);
      }
    }
    return this.keep(event, ++this.seq);
  }

  private keep(event: ActivityEventBody, seq: number): boolean {
    this.events.push({ ...event, seq });
    this.ids.add(event.id);
    this.seq = Math.max(this.seq, seq);
    if (this.events.length > FEED_LIMIT) this.events.splice(0, this.events.length - FEED_LIMIT);
    return true;
  }

  private save(): void {
    const store = this.store;
    if (store === null || this.saveQueued) return;
    this.saveQueued = true;
    // A failed write is reported and the next change writes the whole feed again: nothing is lost but the cache's age.
    this.saving = this.saving
      .then(async () => {
        this.saveQueued = false;
        await store.setMeta(FEED_META_KEY, encodeFeed(this.events));
      })
      .catch((error: unknown) => this.host.onError(error instanceof Error ? error : new Error(String(error))));
  }
}

