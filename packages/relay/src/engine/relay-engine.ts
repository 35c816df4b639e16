// Over 300 lines: the engine's two write paths (a member's update and a peer relay's) share one gate, one batcher and
// one durable-then-forward-then-acknowledge sequence; room lifecycles already live in RoomRegistry, screening in
// update-screen.ts and WriteGate, merging in merge-tree.ts, the log in UpdateLog, awareness in AwarenessStates.
import { EventEmitter } from 'node:events';
import { isEmptyUpdate } from '@concord/core/protocol';
import { pino, type Logger } from 'pino';
import * as Y from 'yjs';
import {
  AwarenessLimitRefusedError,
  EngineClosedError,
  MalformedAwarenessError,
  MalformedUpdateError,
  NotSubscribedError,
  RelayError,
  StorageError,
} from '../errors.js';
import type { CompactionResult, DocumentStorage, QuarantinedUpdate } from '../storage/document-storage.js';
import { withDefaults } from '../defaults.js';
import { checkOptions, RELAY_DEFAULTS } from '../options.js';
import { AwarenessFormatError, AwarenessLimitError, type AwarenessLimits } from './awareness-states.js';
import type { MemberEngine, RoomMember, RoomView } from './member.js';
import { EMPTY_STATE_VECTOR, mergeUpdatesTree } from './merge-tree.js';
import type { Room, WriteContext } from './room.js';
import { RoomRegistry } from './room-registry.js';
import { WriteBatcher, type PendingWrite } from './write-batcher.js';
import { UpdateLog } from './update-log.js';
import { decodeExact } from './update-screen.js';
import { RoomAdmission } from './room-admission.js';
import type { GateRefusal, GateWrite } from './write-gate.js';
import type { Replication } from './replication.js';

/**
 * Fewer updates of one room durable together are forwarded as they are, not merged: a member that takes them gets them
 * in one write to its socket all the same (`receiveUpdateList`).
 */
export const MERGE_FROM = 8;

/** The author of updates and awareness that came from another relay: never a room member, never republished. */
const PEER: RoomMember = { receiveUpdate: () => undefined, receiveAwareness: () => undefined };

/** The relay engine's storage, logger and limits. */
export interface RelayEngineOptions {
  readonly storage: DocumentStorage;
  readonly logger?: Logger;
  /** How long a room with no members and no writes stays loaded. */
  readonly idleUnloadMs?: number;
  /** Compact a document's stored log into one update once it holds this many updates (checked on load and unload). */
  readonly compactThreshold?: number;
  /** Also compact once this many bytes were stored since the last compaction (checked after every write, in the background). */
  readonly compactBytes?: number;
  /** Other relays sharing documents (`--redis`): catch-up on load, publish what local clients write. */
  readonly replication?: Replication;
  /** Largest awareness state accepted from a connection, in UTF-8 bytes of its JSON. */
  readonly maxAwarenessBytes?: number;
  /** Live awareness states one connection may introduce into one document. */
  readonly maxAwarenessStates?: number;
}

/**
 * Idle rooms unload after 5 s: a reload is one LevelDB range read, and idle rooms should not hold memory. The values
 * and what each accepts are rows of `RELAY_OPTIONS`.
 */
export const ENGINE_DEFAULTS = {
  idleUnloadMs: RELAY_DEFAULTS.idleUnloadMs,
  compactThreshold: RELAY_DEFAULTS.compactThreshold,
  compactBytes: RELAY_DEFAULTS.compactBytes,
  maxAwarenessBytes: RELAY_DEFAULTS.maxAwarenessBytes,
  maxAwarenessStates: RELAY_DEFAULTS.maxAwarenessStates,
} as const;

/** Typed events, for metrics and tests. */
export interface RelayEngineEvents {
  roomLoaded: [doc: string, storedUpdates: number];
  roomUnloaded: [doc: string];
  /** `forwardedTo`: how many other connections the update was forwarded to. */
  updatePersisted: [doc: string, bytes: number, forwardedTo: number];
  /** `reason`: for ERR_CORRUPT_UPDATE and ERR_UNMET_DEPENDENCY, the case (see `screenUpdate` and `WriteGate`). */
  updateRefused: [doc: string, code: string, reason?: string];
  storageFailed: [error: unknown, docs: string[]];
  compacted: [doc: string, result: CompactionResult];
  /** Stored updates that would not apply, moved to the quarantine when the document loaded. */
  quarantined: [doc: string, entries: readonly QuarantinedUpdate[]];
}

/**
 * Rooms per document, with no knowledge of HTTP or of any wire protocol. Holds encoded updates only (no Y.Doc).
 * The update path: decode an exact-size copy → admit (RoomAdmission: the screen, held-back updates, client ids) →
 * batch per event-loop turn → write → forward + acknowledge. Room lifecycles (single-flight load and unload) live in
 * RoomRegistry.
 */
export class RelayEngine extends EventEmitter<RelayEngineEvents> implements MemberEngine {
  readonly #logger: Logger;
  readonly #rooms: RoomRegistry;
  readonly #batcher: WriteBatcher<WriteContext>;
  readonly #admission: RoomAdmission;
  readonly #storage: DocumentStorage;
  readonly #replication: Replication | undefined;
  readonly #awarenessLimits: AwarenessLimits;
  #closed = false;

  constructor(options: RelayEngineOptions) {
    super();
    checkOptions(options, ['idleUnloadMs', 'compactThreshold', 'compactBytes', 'maxAwarenessBytes', 'maxAwarenessStates']);
    const { storage, idleUnloadMs, compactThreshold, compactBytes, maxAwarenessBytes, maxAwarenessStates } = withDefaults(ENGINE_DEFAULTS, options);
    this.#awarenessLimits = { maxStateBytes: maxAwarenessBytes, maxStatesPerOwner: maxAwarenessStates };
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#storage = storage;
    this.#replication = options.replication;
    const replication = options.replication;
    this.#rooms = new RoomRegistry({
      storage,
      logger: this.#logger,
      idleUnloadMs,
      compactThreshold,
      compactBytes,
      onLoaded: (doc, stored) => this.emit('roomLoaded', doc, stored),
      onUnloaded: (doc) => this.emit('roomUnloaded', doc),
      onCompacted: (doc, result) => this.emit('compacted', doc, result),
      onQuarantined: (doc, entries) => {
        this.#logger.warn({ doc, updates: entries.length, reasons: entries.map((entry) => entry.reason) }, 'stored updates quarantined at load');
        this.emit('quarantined', doc, entries);
      },
      ...(replication && { catchUp: (doc: string, stored: readonly Uint8Array[]) => replication.catchUp(doc, stored) }),
    });
    this.#batcher = new WriteBatcher(storage, {
      durable: (batch) => this.#durable(batch),
      failed: (batch, error) => this.#failed(batch, error),
    });
    this.#admission = new RoomAdmission(storage, PEER, {
      admitted: (write) => this.#batcher.enqueue(write),
      refused: (write, error, reason) => this.#refuseAtGate(write, error, reason),
      failed: (writes, error) => this.#failed(writes, error),
    });
  }

  /** Documents loaded or loading. */
  get loadedDocuments(): string[] {
    return this.#rooms.documents;
  }

  /** Loads the document if needed (single-flight) and adds the member. Rejects with LoadFailedError or EngineClosedError. */
  join(doc: string, member: RoomMember): Promise<RoomView> {
    return this.#rooms.acquire(doc, (room) => room.members.add(member));
  }

  /** Adds the member if the document is loaded (no storage read) and returns its view; null if it is not loaded. */
  joinLoaded(doc: string, member: RoomMember): RoomView | null {
    return this.#rooms.enterReady(doc, (room) => room.members.add(member));
  }

  /** The bindings of a loaded document's client ids to users: the room's, or read from storage until it has them. */
  async clientBindings(doc: string): Promise<ReadonlyMap<number, string>> {
    const room = this.#readyRoom(doc);
    return room?.bindings ?? (await this.#storage.loadClientBindings(doc));
  }

  /** Removes the member; broadcasts the removal of the awareness states it introduced. */
  leave(doc: string, member: RoomMember): void {
    const room = this.#readyRoom(doc);
    if (room === null || !room.members.delete(member)) return;
    // Its held-back updates would otherwise be admitted later, unacknowledged: the writer re-sends them when it re-syncs.
    room.gate?.drop((context) => context.from === member, 'writer_left');
    const removal = room.removeAwarenessOf(member);
    if (removal !== null) {
      this.#broadcast(room, member, (other) => other.receiveAwareness(doc, removal));
      this.#replication?.publishAwareness(doc, removal);
    }
    this.#rooms.scheduleIdle(room);
  }

  /**
   * Validates, persists, then forwards the update to the room's other members; resolves with the clocks now durably held
   * (`Y.encodeStateVector` of the update's end clocks). Rejects with MalformedUpdateError (never stored), StorageError
   * (never acknowledged or forwarded), NotSubscribedError or EngineClosedError.
   */
  submitUpdate(doc: string, member: RoomMember, update: Uint8Array): Promise<Uint8Array> {
    let exact: Uint8Array | null = null;
    return this.#submit(doc, member, update, (validated) => (exact = validated)).then(() =>
      // Computed only for callers that acknowledge (the stock protocol has no acks): it parses the whole update.
      exact === null || isEmptyUpdate(exact) ? EMPTY_STATE_VECTOR : Y.encodeStateVector(Y.parseUpdateMeta(exact).to),
    );
  }

  /**
   * submitUpdate without the acknowledged clocks: resolves once the update is durable and forwarded (or was empty).
   * Same refusals.
   */
  submitUpdateUnacknowledged(doc: string, member: RoomMember, update: Uint8Array): Promise<void> {
    return this.#submit(doc, member, update, null);
  }

  #submit(doc: string, member: RoomMember, update: Uint8Array, onValid: ((exact: Uint8Array) => void) | null): Promise<void> {
    const room = this.#readyRoom(doc);
    if (this.#closed) return Promise.reject(new EngineClosedError());
    if (room === null || !room.members.has(member)) return Promise.reject(new NotSubscribedError(doc));
    // An exact-size copy: a view into a larger buffer lets lib0 read past the update's end without throwing.
    const exact = update.byteOffset === 0 && update.byteLength === update.buffer.byteLength ? update : update.slice();
    const decoded = decodeExact(exact);
    if (decoded === null) {
      this.emit('updateRefused', doc, 'ERR_MALFORMED_UPDATE');
      return Promise.reject(new MalformedUpdateError(doc));
    }
    onValid?.(exact);
    if (isEmptyUpdate(exact)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      room.pendingWrites++;
      this.#admission.enter(room, exact, { room, decoded, from: member, resolve, reject });
    });
  }

  #refuseAtGate({ update, context }: GateWrite<WriteContext>, error: RelayError, reason: GateRefusal): void {
    const { room } = context;
    room.pendingWrites--;
    this.#logger.warn({ doc: room.doc, code: error.code, reason, bytes: update.byteLength, peer: context.from === PEER }, 'update refused');
    this.emit('updateRefused', room.doc, error.code, reason);
    context.reject(error);
    this.#rooms.scheduleIdle(room);
  }

  /**
   * Relays awareness to the room's other members (never persisted). Throws MalformedAwarenessError,
   * AwarenessLimitRefusedError (nothing of it kept or forwarded) or NotSubscribedError.
   */
  submitAwareness(doc: string, member: RoomMember, update: Uint8Array): void {
    const room = this.#readyRoom(doc);
    if (room === null || !room.members.has(member)) throw new NotSubscribedError(doc);
    const accepted = this.#applyAwareness(room, member, update);
    if (accepted === null) return;
    this.#broadcast(room, member, (other) => other.receiveAwareness(doc, accepted));
    this.#replication?.publishAwareness(doc, accepted);
  }

  #applyAwareness(room: Room, from: RoomMember, update: Uint8Array): Uint8Array | null {
    try {
      // Another relay forwards the states of all its connections: only the size limit applies to them.
      const limits = from === PEER ? { ...this.#awarenessLimits, maxStatesPerOwner: Number.POSITIVE_INFINITY } : this.#awarenessLimits;
      return room.awarenessStates.apply(update, from, limits);
    } catch (error) {
      if (error instanceof AwarenessFormatError) {
        this.emit('updateRefused', room.doc, 'ERR_MALFORMED_AWARENESS');
        throw new MalformedAwarenessError(room.doc);
      }
      if (error instanceof AwarenessLimitError) {
        this.#logger.warn({ doc: room.doc, reason: error.reason, bytes: update.byteLength }, 'awareness refused');
        this.emit('updateRefused', room.doc, 'ERR_AWARENESS_LIMIT', error.reason);
        throw new AwarenessLimitRefusedError(room.doc, error.reason);
      }
      throw error;
    }
  }

  /**
   * An update from another relay: validated, persisted, then forwarded to every member; never republished.
   * Resolves false when the document is not loaded here (its next load catches up from the peers instead).
   */
  async applyPeerUpdate(doc: string, update: Uint8Array): Promise<boolean> {
    const room = this.#readyRoom(doc);
    if (room === null || this.#closed) return false;
    const exact = update.byteOffset === 0 && update.byteLength === update.buffer.byteLength ? update : update.slice();
    const decoded = decodeExact(exact);
    if (decoded === null) {
      this.emit('updateRefused', doc, 'ERR_MALFORMED_UPDATE');
      return false;
    }
    if (isEmptyUpdate(exact)) return true;
    return new Promise<void>((resolve, reject) => {
      room.pendingWrites++;
      this.#admission.enter(room, exact, { room, decoded, from: PEER, resolve, reject });
    }).then(
      () => true,
      (error: unknown) => {
        // Refused at the gate (counted and logged there): the peer's update is dropped, not an engine failure.
        if (error instanceof RelayError && (error.code === 'ERR_CORRUPT_UPDATE' || error.code === 'ERR_UNMET_DEPENDENCY' || error.code === 'ERR_CLIENT_ID_TAKEN')) return false;
        throw error;
      },
    );
  }

  /** Awareness from another relay: relayed to every member, never persisted or republished. False if not applicable. */
  applyPeerAwareness(doc: string, update: Uint8Array): boolean {
    const room = this.#readyRoom(doc);
    if (room === null) return false;
    let accepted: Uint8Array | null;
    try {
      accepted = this.#applyAwareness(room, PEER, update);
    } catch {
      return false;
    }
    if (accepted !== null) this.#broadcast(room, PEER, (member) => member.receiveAwareness(doc, accepted));
    return true;
  }

  /**
   * What this relay durably holds of `doc` that `stateVector` lacks, and its own state vector: from the loaded room, or
   * read from storage without loading a room (answers to other relays' catch-up requests). Throws for a malformed state vector.
   */
  async durableDiff(doc: string, stateVector: Uint8Array): Promise<{ update: Uint8Array; stateVector: Uint8Array; loaded: boolean }> {
    const room = this.#readyRoom(doc);
    if (room !== null) return { ...room.sync(stateVector), loaded: true };
    const log = new UpdateLog(await this.#storage.loadUpdates(doc));
    return { update: log.diff(stateVector), stateVector: log.stateVector(), loaded: false };
  }

  /** Stops new joins and writes, completes every write queued or in flight, and waits for unloads. Storage stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#batcher.flush();
    await this.#rooms.close();
  }

  #readyRoom(doc: string): Room | null {
    return this.#rooms.ready(doc);
  }

  #durable(batch: readonly PendingWrite<WriteContext>[]): void {
    if (batch.length === 1 && !isEmptyUpdate((batch[0] as PendingWrite<WriteContext>).update)) {
      const write = batch[0] as PendingWrite<WriteContext>;
      this.#stored(write);
      this.#announceBindings(write);
      const { doc, update, context } = write;
      this.#broadcast(context.room, context.from, (member) => member.receiveUpdate(doc, update));
      this.#settled(write);
      return;
    }
    const byRoom = new Map<Room, PendingWrite<WriteContext>[]>();
    for (const write of batch) {
      // Cut to nothing by the gate (it only repeated clocks the room held): nothing stored, nothing to forward.
      if (isEmptyUpdate(write.update)) continue;
      this.#stored(write);
      this.#announceBindings(write);
      const writes = byRoom.get(write.context.room);
      if (writes === undefined) byRoom.set(write.context.room, [write]);
      else writes.push(write);
    }
    // Updates of several documents durable together (a restore of a list): a member that takes batches gets every
    // document's update in one message, so its client applies them in one go; the others get them one by one.
    const batches = byRoom.size > 1 ? new Map<RoomMember, { doc: string; update: Uint8Array }[]>() : null;
    for (const [room, writes] of byRoom) this.#forward(room, writes, batches);
    if (batches !== null) this.#deliverBatches(batches);
    for (const write of batch) {
      if (!isEmptyUpdate(write.update)) this.#settled(write);
      else {
        // Acknowledged in its place, behind the writes before it: the clocks it repeated are durable now.
        write.context.room.pendingWrites--;
        write.context.resolve();
        this.#rooms.scheduleIdle(write.context.room);
      }
    }
  }

  #deliverBatches(batches: ReadonlyMap<RoomMember, { doc: string; update: Uint8Array }[]>): void {
    for (const [member, entries] of batches) {
      try {
        if (entries.length === 1) member.receiveUpdate(entries[0]!.doc, entries[0]!.update);
        else member.receiveUpdates!(entries);
      } catch (error) {
        this.#logger.error({ err: error, docs: entries.length }, 'member threw on delivery');
      }
    }
  }

  /** The write is durable: the room's log and counters take it in. */
  #stored({ update, context: { room, decoded } }: PendingWrite<WriteContext>): void {
    room.pendingWrites--;
    room.storedUpdates++;
    room.bytesSinceCompaction += update.byteLength;
    room.log.append(update, decoded);
  }

  /** Client ids a durable write bound to its writer: every member learns them before the update reaches it. */
  #announceBindings({ doc, binds, context }: PendingWrite<WriteContext>): void {
    if (binds !== undefined) this.#broadcast(context.room, null, (member) => member.receiveBindings?.(doc, binds));
  }

  /** After forwarding: publish to other relays, report, acknowledge, and let the room compact or idle. */
  #settled({ doc, update, context }: PendingWrite<WriteContext>): void {
    const { room, from } = context;
    if (from !== PEER) this.#replication?.publishUpdate(doc, update);
    this.emit('updatePersisted', doc, update.byteLength, room.members.size - (room.members.has(from) ? 1 : 0));
    context.resolve();
    // Compaction runs in the background while the room is loaded, not only on load and unload.
    this.#rooms.maybeCompact(room);
    this.#rooms.scheduleIdle(room);
  }

  /**
   * Several updates of one room became durable together (a burst): members that accept it get them as one merged
   * update, one message each instead of one per update (under a burst of writes to one document, the sends were most of
   * the relay's CPU); the others get every update but their own, in one write where the member can.
   */
  #forward(room: Room, writes: readonly PendingWrite<WriteContext>[], batches: Map<RoomMember, { doc: string; update: Uint8Array }[]> | null): void {
    /** Every update, for the members that wrote none of them: one array they all share. */
    const everyUpdate = writes.map((write) => write.update);
    let merged: Uint8Array | null = null;
    if (writes.length >= MERGE_FROM) {
      try {
        merged = mergeUpdatesTree(everyUpdate);
      } catch {
        // A decodable update Yjs cannot merge: forward each as it is, as a single write would be.
      }
    }
    const first = (writes[0] as PendingWrite<WriteContext>).context.from;
    // A member that wrote every one of these updates gets nothing back, merged or not.
    const soleWriter = writes.every((write) => write.context.from === first) ? first : null;
    const doc = room.doc;
    const updatesFor = (member: RoomMember): readonly Uint8Array[] => {
      for (const write of writes) {
        if (wroteFor(write.context.from, member)) return writes.filter(({ context }) => !wroteFor(context.from, member)).map(({ update }) => update);
      }
      return everyUpdate;
    };
    this.#broadcast(room, soleWriter, (member) => {
      if (batches !== null && member.receiveUpdates !== undefined) {
        const updates = updatesFor(member);
        const entries = batches.get(member) ?? [];
        for (const update of merged !== null && updates === everyUpdate ? [merged] : updates) entries.push({ doc, update });
        batches.set(member, entries);
      } else if (merged !== null && member.acceptsMergedUpdates === true) member.receiveUpdate(doc, merged);
      else if (member.receiveUpdateList === undefined) {
        for (const update of updatesFor(member)) member.receiveUpdate(doc, update);
      } else {
        const updates = updatesFor(member);
        if (updates.length === 1) member.receiveUpdate(doc, updates[0] as Uint8Array);
        else if (updates.length > 1) member.receiveUpdateList(doc, updates);
      }
    });
  }

  #failed(batch: readonly PendingWrite<WriteContext>[], error: unknown): void {
    const docs = [...new Set(batch.map((write) => write.doc))];
    this.#logger.error({ err: error, docs, updates: batch.length }, 'storage write failed: updates refused, not acknowledged');
    this.emit('storageFailed', error, docs);
    const failure = error instanceof StorageError ? error : new StorageError('write failed', { cause: error });
    for (const { context } of batch) {
      context.room.pendingWrites--;
      context.reject(failure);
      this.#rooms.scheduleIdle(context.room);
    }
    // The gates counted these updates as admitted: with nothing else of the room in flight, they go back to what is stored.
    for (const room of new Set(batch.map(({ context }) => context.room))) {
      if (room.gate !== null && room.pendingWrites === room.gate.heldCount) room.gate.reset(room.log.stateVector());
      // Bindings made for these updates were not stored either: read them again before the next authenticated write.
      if (batch.some((write) => write.context.room === room && write.binds !== undefined)) room.bindings = null;
    }
  }

  #broadcast(room: Room, except: RoomMember | null, deliver: (member: RoomMember) => void): void {
    room.broadcast(except, deliver, (error) => this.#logger.error({ err: error, doc: room.doc }, 'member threw on delivery'));
  }
}

/** Whether `from` wrote as `member` or for it: such writes are never sent back to it. */
function wroteFor(from: RoomMember, member: RoomMember): boolean {
  return from === member || from.onBehalfOf === member;
}
