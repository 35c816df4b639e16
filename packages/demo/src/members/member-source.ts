/**
 * The seam for "who is in this list": the members panel reads a `MemberSource` and nothing else, so the source can
 * move to the relay's attribution of writes without touching the view. `LocalMembers` (local-members.ts) is the one
 * in use: people who wrote to the list (recorded in the list document) and people this device saw online.
 */
import type { Identity } from '../identity/identity.js';

export interface Member {
  /** A stable id per person and device (the identity's id), or `presence:<client>` for an app that sends none. */
  readonly id: string;
  readonly name: string;
  readonly color: string;
  /** On the list now (as far as this device can tell: never while it is offline, except yourself). */
  readonly online: boolean;
  /** When this device last knew them to be here (seen online, or their last recorded write), ms; null if never. */
  readonly lastSeen: number | null;
  readonly self: boolean;
}

export interface MemberSource {
  /** Everyone, yourself first, then online people, then by most recently seen. */
  members(): readonly Member[];
  /** This device changed the list: count its person as someone who wrote to it. */
  wrote(): void;
  /** The person behind this device changed their name or colour. */
  setIdentity(identity: Identity): void;
  /** Whether this device is connected (others' online state is unknown while it is not). */
  setOnline(online: boolean): void;
  onChange(listener: () => void): () => void;
  destroy(): void;
}

/** Members in display order. */
export function sortMembers(members: Iterable<Member>): Member[] {
  return [...members].sort(
    (a, b) => Number(b.self) - Number(a.self) || Number(b.online) - Number(a.online) || (b.lastSeen ?? 0) - (a.lastSeen ?? 0) || a.name.localeCompare(b.name),
  );
}
