/**
 * The seam for "who is in this list": the members panel reads a `MemberSource` and nothing else. `AttributedMembers`
 * (attributed-members.ts) is the one in use: everyone the list's attribution names as having written to it, and
 * whoever is online now.
 */
import type { Identity } from '../identity/identity.js';

export interface Member {
  /**
   * A stable id per person and device (the identity's id); `author:<user>` for an author who recorded no profile (a
   * write through the relay's HTTP API, say); `presence:<client>` for someone online whose app sends no identity.
   */
  readonly id: string;
  readonly name: string;
  readonly color: string;
  /** On the list now (as far as this device can tell: never while it is offline, except yourself). */
  readonly online: boolean;
  /** When this device last knew them to be here (seen online, or their latest attributed change), ms; null if never. */
  readonly lastSeen: number | null;
  readonly self: boolean;
  /** They wrote to the list or one of its tasks (false: only online now). */
  readonly author: boolean;
  /** A relay with authentication confirmed who wrote their changes (false without authentication: declared names). */
  readonly verified: boolean;
}

export interface MemberSource {
  /** Everyone, yourself first, then online people, then by most recently seen. */
  members(): readonly Member[];
  /** This device changed the list (its person becomes an author through attribution: record how to show them). */
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
