import * as Y from 'yjs';
import { MalformedStateVectorError } from '../errors.js';
import { AwarenessStates } from './awareness-states.js';
import type { RoomMember, RoomView } from './member.js';
import { UpdateLog } from './update-log.js';
import type { DecodedUpdate } from './update-screen.js';
import type { WriteGate } from './write-gate.js';

/**
 * The members of a room: one member held as is (most rooms have one), then a plain array (an empty Set alone costs more
 * than a small array), then a Set. Removal copies the array, so a broadcast iterating it is never disturbed.
 */
export class MemberSet implements Iterable<RoomMember> {
  #members: RoomMember | readonly RoomMember[] | Set<RoomMember> | null = null;

  get size(): number {
    const members = this.#members;
    if (members === null) return 0;
    if (members instanceof Set) return members.size;
    return isList(members) ? members.length : 1;
  }

  has(member: RoomMember): boolean {
    const members = this.#members;
    if (members === null) return false;
    if (members instanceof Set) return members.has(member);
    return isList(members) ? members.includes(member) : members === member;
  }

  add(member: RoomMember): this {
    const members = this.#members;
    if (members === null) this.#members = member;
    else if (members instanceof Set) members.add(member);
    else if (!isList(members)) {
      if (members !== member) this.#members = [members, member];
    } else if (!members.includes(member)) this.#members = members.length < SMALL_ROOM ? [...members, member] : new Set([...members, member]);
    return this;
  }

  delete(member: RoomMember): boolean {
    const members = this.#members;
    if (members === null) return false;
    if (members instanceof Set) return members.delete(member);
    if (!isList(members)) {
      if (members !== member) return false;
      this.#members = null;
      return true;
    }
    if (!members.includes(member)) return false;
    const rest = members.filter((other) => other !== member);
    this.#members = rest.length === 1 ? (rest[0] as RoomMember) : rest;
    return true;
  }

  [Symbol.iterator](): Iterator<RoomMember> {
    const members = this.#members;
    if (members === null) return NO_MEMBERS.values();
    if (members instanceof Set) return members.values();
    return isList(members) ? members.values() : [members].values();
  }
}

const isList = (members: RoomMember | readonly RoomMember[]): members is readonly RoomMember[] => Array.isArray(members);
const NO_MEMBERS: readonly RoomMember[] = Object.freeze([]);
/** Members held in an array before switching to a Set (membership checks scan the array). */
const SMALL_ROOM = 8;

/** An update on its way through the engine: where it goes, who wrote it, and its writer's promise. */
export interface WriteContext {
  readonly room: Room;
  /** The update, decoded once when it arrived: the room's log reads its clocks from it once it is durable. */
  readonly decoded: DecodedUpdate;
  readonly from: RoomMember;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One loaded document: its durable updates, its members and their awareness. Pure state: the engine drives loading,
 * writing and unloading.
 */
export class Room implements RoomView {
  readonly members = new MemberSet();
  // Created on first use: most rooms (task documents) never see awareness.
  #awareness: AwarenessStates | null = null;
  readonly log: UpdateLog;
  /** Updates stored for this document (loaded + appended since): compaction starts past a threshold. */
  storedUpdates: number;
  /** Bytes stored since the document's last compaction (the first stored update is taken as that compaction's result). */
  bytesSinceCompaction: number;
  /** Writes of this room held back, queued or in flight: the room cannot unload before they complete. */
  pendingWrites = 0;
  /** What the room admits to storage; created by the engine on the room's first write. */
  gate: WriteGate<WriteContext> | null = null;
  /** Which user each Yjs client id belongs to; read from storage on the first write of an authenticated writer. */
  bindings: Map<number, string> | null = null;
  /** Writes waiting, in arrival order, for `bindings` to be read. */
  intake: { update: Uint8Array; context: WriteContext }[] | null = null;
  idleTimer: NodeJS.Timeout | null = null;
  /** A compaction due, waiting for the room's writes to pause (RoomRegistry.maybeCompact). */
  compactTimer: NodeJS.Timeout | null = null;
  compaction: Promise<void> | null = null;

  constructor(
    readonly doc: string,
    updates: readonly Uint8Array[],
  ) {
    this.log = new UpdateLog(updates);
    this.storedUpdates = updates.length;
    this.bytesSinceCompaction = updates.reduce((sum, update, i) => (i === 0 ? 0 : sum + update.byteLength), 0);
  }

  get awarenessStates(): AwarenessStates {
    return (this.#awareness ??= new AwarenessStates());
  }

  /** The removal of the awareness states `member` introduced, or null (see AwarenessStates.removeOwner). */
  removeAwarenessOf(member: RoomMember): Uint8Array | null {
    return this.#awareness?.removeOwner(member) ?? null;
  }

  get idle(): boolean {
    return this.members.size === 0 && this.pendingWrites === 0;
  }

  sync(stateVector: Uint8Array): { update: Uint8Array; stateVector: Uint8Array } {
    return { update: this.diff(stateVector), stateVector: this.log.stateVector() };
  }

  diff(stateVector: Uint8Array): Uint8Array {
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      throw new MalformedStateVectorError(this.doc);
    }
    return this.log.diff(stateVector);
  }

  stateVector(): Uint8Array {
    return this.log.stateVector();
  }

  awareness(): Uint8Array | null {
    return this.#awareness?.snapshot() ?? null;
  }

  /** Calls `deliver` for every member but `except`; a member that throws affects no other. */
  broadcast(except: RoomMember | null, deliver: (member: RoomMember) => void, onError: (error: unknown) => void): void {
    for (const member of this.members) {
      if (member === except || (except !== null && member === except.onBehalfOf)) continue;
      try {
        deliver(member);
      } catch (error) {
        onError(error);
      }
    }
  }
}
