import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { keepClaims, type Verifier } from '@concord/core/activity';
import type { RoomMember } from '../engine/member.js';
import { EMPTY_STATE_VECTOR } from '../engine/merge-tree.js';

/** What the feed and the HTTP API need of the relay to read a document: its durable state. */
export interface DocumentSource {
  /** Everything durably stored of `doc` (from its loaded room, or read from storage without loading one). */
  durableDiff(doc: string, stateVector: Uint8Array): Promise<{ update: Uint8Array }>;
}

/** The engine's rooms, for a relay that shares documents with others (`MemberEngine`'s join and leave). */
export interface RoomSource {
  join(doc: string, member: RoomMember): Promise<{ diff(stateVector: Uint8Array): Uint8Array }>;
  leave(doc: string, member: RoomMember): void;
}

/** Reads as a member that wants nothing forwarded. */
const READER: RoomMember = { receiveUpdate: () => undefined, receiveAwareness: () => undefined };

/**
 * Reads through the engine's rooms: loading a room catches it up from the other relays first, so what another relay
 * stored is read too (storage alone holds only what reached this relay while the document was loaded here).
 */
export function roomSource(engine: RoomSource): DocumentSource {
  return {
    async durableDiff(doc, stateVector) {
      const room = await engine.join(doc, READER);
      try {
        return { update: room.diff(stateVector) };
      } finally {
        engine.leave(doc, READER);
      }
    },
  };
}
/** Which user each Yjs client id of a document was bound to by the relay's authentication. */
export interface BindingSource {
  loadClientBindings(doc: string): Promise<Map<number, string>>;
}

/** A document as stored, in a short-lived `Y.Doc` (destroy it once read). */
export interface ReadDocument {
  /** Differs whenever the stored state does (a hash of its bytes): a deletion leaves the state vector as it was. */
  readonly fingerprint: string;
  readonly update: Uint8Array;
}

/** Reads documents for the HTTP API and the feed; no `Y.Doc` is kept once read. */
export class DocumentReader {
  constructor(
    private readonly source: DocumentSource,
    private readonly bindings: BindingSource,
  ) {}

  async read(doc: string): Promise<ReadDocument> {
    const { update } = await this.source.durableDiff(doc, EMPTY_STATE_VECTOR);
    return { update, fingerprint: fingerprintOf(update) };
  }

  /** A `Y.Doc` of the stored state (claims kept readable), and whose claims the relay confirmed (its bindings). */
  async open(doc: string, update: Uint8Array): Promise<{ ydoc: Y.Doc; verify: Verifier }> {
    const owners = await this.bindings.loadClientBindings(doc);
    const ydoc = new Y.Doc();
    keepClaims(ydoc);
    Y.applyUpdate(ydoc, update);
    return { ydoc, verify: (client, user) => owners.get(client) === user };
  }
}

export function fingerprintOf(update: Uint8Array): string {
  return createHash('sha256').update(update).digest('base64url').slice(0, 22);
}

/** Runs `task` over `items` with at most `width` in flight, results in order. */
export async function mapConcurrently<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
