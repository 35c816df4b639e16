import * as Y from 'yjs';
import { MalformedStateVectorError } from '../errors.js';
import { AwarenessStates } from './awareness-states.js';
import type { RoomMember, RoomView } from './member.js';
import { UpdateLog } from './update-log.js';

/**
 * One loaded document: its durable updates, its members and their awareness. Pure state: the engine drives loading,
 * writing and unloading.
 */
export class Room implements RoomView {
  readonly members = new Set<RoomMember>();
  readonly awarenessStates = new AwarenessStates();
  readonly log: UpdateLog;
  /** Updates stored for this document (loaded + appended since): compaction starts past a threshold. */
  storedUpdates: number;
  /** Bytes stored since the document's last compaction (the first stored update is taken as that compaction's result). */
  bytesSinceCompaction: number;
  /** Writes of this room queued or in flight: the room cannot unload before they complete. */
  pendingWrites = 0;
  idleTimer: NodeJS.Timeout | null = null;
  compaction: Promise<void> | null = null;

  constructor(
    readonly doc: string,
    updates: readonly Uint8Array[],
  ) {
    this.log = new UpdateLog(updates);
    this.storedUpdates = updates.length;
    this.bytesSinceCompaction = updates.reduce((sum, update, i) => (i === 0 ? 0 : sum + update.byteLength), 0);
  }

  get idle(): boolean {
    return this.members.size === 0 && this.pendingWrites === 0;
  }

  sync(stateVector: Uint8Array): { update: Uint8Array; stateVector: Uint8Array } {
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      throw new MalformedStateVectorError(this.doc);
    }
    return { update: this.log.diff(stateVector), stateVector: this.log.stateVector() };
  }

  awareness(): Uint8Array | null {
    return this.awarenessStates.snapshot();
  }

  /** Calls `deliver` for every member but `except`; a member that throws affects no other. */
  broadcast(except: RoomMember | null, deliver: (member: RoomMember) => void, onError: (error: unknown) => void): void {
    for (const member of this.members) {
      if (member === except) continue;
      try {
        deliver(member);
      } catch (error) {
        onError(error);
      }
    }
  }
}
