import type { RoomMember } from '../../src/engine/member.js';

/** A RoomMember that records what it receives. */
export class FakeMember implements RoomMember {
  readonly updates: { doc: string; update: Uint8Array }[] = [];
  readonly awareness: { doc: string; update: Uint8Array }[] = [];

  receiveUpdate(doc: string, update: Uint8Array): void {
    this.updates.push({ doc, update });
  }

  receiveAwareness(doc: string, update: Uint8Array): void {
    this.awareness.push({ doc, update });
  }
}
