import type { Logger } from 'pino';
import { EngineClosedError, LoadFailedError } from '../errors.js';
import { timed } from './pauses.js';
import type { CompactionResult, DocumentStorage, QuarantinedUpdate } from '../storage/document-storage.js';
import { mergeUpdatesTree } from './merge-tree.js';
import { Room } from './room.js';
import { checkStoredLog } from './stored-log-check.js';

export interface RoomRegistryOptions {
  readonly storage: DocumentStorage;
  readonly logger: Logger;
  readonly idleUnloadMs: number;
  readonly compactThreshold: number;
  /** Also compact once this many bytes were stored since the last compaction. */
  readonly compactBytes?: number;
  readonly onLoaded: (doc: string, storedUpdates: number) => void;
  readonly onUnloaded: (doc: string) => void;
  readonly onCompacted: (doc: string, result: CompactionResult) => void;
  /** Stored updates that would not apply were moved to the quarantine while the document loaded. */
  readonly onQuarantined: (doc: string, entries: readonly QuarantinedUpdate[]) => void;
  /** Other relays' updates this relay lacks, fetched during the load and persisted before the room is ready. */
  readonly catchUp?: (doc: string, stored: readonly Uint8Array[]) => Promise<Uint8Array[]>;
}

/**
 * Past the threshold, a live room's compaction waits until its writes pause this long. A compaction reads, merges and
 * rewrites the whole document; under a steady stream of writes it ran every few hundred updates and, with writes always
 * in flight, had to merge the stored updates afresh each time (with 20 writers each sending an update every few
 * milliseconds: about a sixth of the relay's CPU).
 */
export const COMPACT_WHEN_QUIET_MS = 250;
/**
 * A room this many times past the threshold compacts at once, quiet or not: its stored log must stay bounded (as must its
 * bytes: `compactBytes`). Not lower: each compaction under a steady stream rewrites the whole document, and at 4× it cost
 * a stream from 20 paced writers about 7 % of the relay's CPU. The price is paid only after a crash in the middle of such
 * a stream (an unload compacts): the next load merges up to 10,000 small updates, 100-250 ms instead of 20-50 ms.
 */
export const FORCE_COMPACTION_FACTOR = 20;

type Slot = { state: 'loading'; loaded: Promise<Room> } | { state: 'ready'; room: Room } | { state: 'unloading'; done: Promise<void> };

/**
 * The lifecycle of rooms: absent → loading → ready → unloading → absent.
 *
 * Loading and unloading are single-flight: every acquire during a load waits for that load; an acquire during an unload
 * waits for the unload to finish and then loads afresh from storage. Since an update enters a room only after it is
 * durable, storage always holds at least what memory does, so a fresh load is never stale. A room unloads after
 * `idleUnloadMs` without members and without writes in flight; unloading compacts the stored log past a threshold.
 */
export class RoomRegistry {
  readonly #slots = new Map<string, Slot>();
  #closed = false;

  constructor(private readonly options: RoomRegistryOptions) {}

  /** Documents loaded or loading. */
  get documents(): string[] {
    return [...this.#slots].filter(([, slot]) => slot.state !== 'unloading').map(([doc]) => doc);
  }

  /** The ready room of `doc`, or null (absent, loading or unloading). */
  ready(doc: string): Room | null {
    const slot = this.#slots.get(doc);
    return slot?.state === 'ready' ? slot.room : null;
  }

  /**
   * Resolves with the ready room, loading it if needed, and runs `enter` synchronously with that check, so the room
   * cannot start unloading before the caller is in it. Rejects with LoadFailedError or EngineClosedError.
   */
  async acquire(doc: string, enter: (room: Room) => void): Promise<Room> {
    for (;;) {
      if (this.#closed) throw new EngineClosedError();
      const slot = this.#slots.get(doc);
      if (slot === undefined) this.#load(doc);
      else if (slot.state === 'unloading') await slot.done;
      else if (slot.state === 'loading') await slot.loaded;
      else {
        this.#cancelIdle(slot.room);
        enter(slot.room);
        return slot.room;
      }
    }
  }

  /**
   * If `doc`'s room is ready, runs `enter` with it at once and returns it; otherwise null (the caller then uses
   * `acquire`). A connection to a loaded document then joins and is answered in the same turn of the event loop.
   */
  enterReady(doc: string, enter: (room: Room) => void): Room | null {
    const room = this.#closed ? null : this.ready(doc);
    if (room === null) return null;
    this.#cancelIdle(room);
    enter(room);
    return room;
  }

  /** Starts the idle countdown if the room has no members and no writes in flight. */
  scheduleIdle(room: Room): void {
    if (!room.idle || room.idleTimer !== null || this.#closed) return;
    room.idleTimer = setTimeout(() => {
      room.idleTimer = null;
      if (room.idle && this.ready(room.doc) === room) this.#unload(room);
    }, this.options.idleUnloadMs);
    room.idleTimer.unref();
  }

  /** Refuses new acquires, cancels idle timers, waits for loads, compactions and unloads in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending: Promise<unknown>[] = [];
    for (const slot of this.#slots.values()) {
      if (slot.state === 'ready') {
        this.#cancelIdle(slot.room);
        this.#cancelQuietCompaction(slot.room);
        if (slot.room.compaction) pending.push(slot.room.compaction);
      } else pending.push(slot.state === 'loading' ? slot.loaded.catch(() => undefined) : slot.done);
    }
    await Promise.all(pending);
  }

  #load(doc: string): void {
    const loaded = this.#readLog(doc).then(
      (updates) => {
        const room = timed('load', () => new Room(doc, updates));
        this.#slots.set(doc, { state: 'ready', room });
        this.options.onLoaded(doc, updates.length);
        this.#compactIfDue(room);
        this.scheduleIdle(room); // cancelled by the acquire(s) that caused the load
        return room;
      },
      (error: unknown) => {
        this.#slots.delete(doc);
        this.options.logger.error({ err: error, doc }, 'document load failed');
        throw new LoadFailedError(doc, { cause: error });
      },
    );
    this.#slots.set(doc, { state: 'loading', loaded });
  }

  /**
   * The stored log plus, with a catch-up hook, the peers' updates it lacks, persisted first (write before serve); then
   * without the stored updates that would not apply (`checkStoredLog`), which move to the quarantine. If the quarantine
   * cannot be written, the document is served without them all the same, and the next load tries again.
   */
  async #readLog(doc: string): Promise<Uint8Array[]> {
    const updates = await this.#readStoredLog(doc);
    const bad = checkStoredLog(updates);
    if (bad.size === 0) return updates;
    try {
      const moved = await this.options.storage.quarantine(doc, checkStoredLog);
      this.options.onQuarantined(doc, moved);
      return await this.options.storage.loadUpdates(doc);
    } catch (error) {
      this.options.logger.error({ err: error, doc, updates: bad.size }, 'could not quarantine stored updates; serving the document without them');
      return updates.filter((_, index) => !bad.has(index));
    }
  }

  #readStoredLog(doc: string): Promise<Uint8Array[]> {
    const loaded = this.options.storage.loadUpdates(doc);
    const catchUp = this.options.catchUp;
    if (catchUp === undefined) return loaded; // without replication: exactly the single read it always was
    return loaded.then(async (stored) => {
      const fromPeers = await catchUp(doc, stored);
      if (fromPeers.length === 0) return stored;
      await this.options.storage.appendUpdates(fromPeers.map((update) => ({ doc, update })));
      return [...stored, ...fromPeers];
    });
  }

  #cancelIdle(room: Room): void {
    if (room.idleTimer !== null) clearTimeout(room.idleTimer);
    room.idleTimer = null;
  }

  #unload(room: Room): void {
    room.log.dispose();
    this.#cancelQuietCompaction(room);
    this.#compactIfDue(room);
    const done = (room.compaction ?? Promise.resolve()).then(() => {
      this.#slots.delete(room.doc);
      this.options.onUnloaded(room.doc);
    });
    this.#slots.set(room.doc, { state: 'unloading', done });
  }

  /**
   * After durable writes: once the room's stored log holds `compactThreshold` updates, compacts it when its writes pause
   * (`COMPACT_WHEN_QUIET_MS`), or at once past `compactBytes` bytes or several times the threshold.
   */
  maybeCompact(room: Room): void {
    if (room.compaction !== null || !this.#compactionDue(room)) return;
    if (this.#overBytes(room) || room.storedUpdates >= this.options.compactThreshold * FORCE_COMPACTION_FACTOR) {
      this.#cancelQuietCompaction(room);
      this.#compactIfDue(room);
    } else if (room.compactTimer !== null) {
      room.compactTimer.refresh();
    } else {
      room.compactTimer = setTimeout(() => {
        room.compactTimer = null;
        if (this.ready(room.doc) === room && !this.#closed) this.#compactIfDue(room);
      }, COMPACT_WHEN_QUIET_MS);
      room.compactTimer.unref();
    }
  }

  #compactionDue(room: Room): boolean {
    return room.storedUpdates >= 2 && (this.#overBytes(room) || room.storedUpdates >= this.options.compactThreshold);
  }

  #overBytes(room: Room): boolean {
    return room.bytesSinceCompaction >= (this.options.compactBytes ?? Number.POSITIVE_INFINITY);
  }

  #cancelQuietCompaction(room: Room): void {
    if (room.compactTimer !== null) clearTimeout(room.compactTimer);
    room.compactTimer = null;
  }

  /** Starts a background compaction of the room's stored log (one atomic batch) now, if due; single-flight. */
  #compactIfDue(room: Room): void {
    if (room.compaction !== null || !this.#compactionDue(room)) return;
    const bytesAtStart = room.bytesSinceCompaction;
    room.compaction = this.options.storage.compact(room.doc, (stored) => timed('compaction', () => compactionResult(room, stored))).then(
      (result) => {
        room.storedUpdates -= Math.max(0, result.replaced - 1);
        room.bytesSinceCompaction = Math.max(0, room.bytesSinceCompaction - bytesAtStart);
        room.compaction = null;
        this.options.onCompacted(room.doc, result);
        // Writes that arrived meanwhile may have reached the threshold again: compact once they pause, rather than on
        // the next write, which would then share the CPU with a compaction (a reconnecting client's uploaded edits did).
        // Only after a compaction that shrank the log, so a count that disagrees with storage cannot loop.
        if (result.replaced > 1 && this.ready(room.doc) === room && !this.#closed) this.maybeCompact(room);
      },
      (error: unknown) => {
        // The log is intact (compaction is one atomic batch): serving goes on, and the next unload retries.
        room.compaction = null;
        this.options.logger.warn({ err: error, doc: room.doc }, 'compaction failed');
      },
    );
  }
}

/**
 * What a compaction stores in place of `stored` (the document's updates as storage read them just now). With no write of
 * the room queued or in flight, storage holds exactly the updates the room's log holds (the log receives an update only
 * once it is durable, and every write goes through the room), so the log's merge serves, often cached already: merging
 * the stored updates again cost a 5,000-update document about 50 ms of blocked event loop per compaction. Otherwise, or
 * if the counts disagree, the stored updates are merged as they are. Not squashed (`squashUpdate`): see UpdateLog.
 */
export function compactionResult(room: Pick<Room, 'pendingWrites' | 'log'>, stored: readonly Uint8Array[]): Uint8Array {
  if (room.pendingWrites === 0 && room.log.count > 0 && stored.length <= room.log.count) return room.log.merged();
  return mergeUpdatesTree(stored);
}
