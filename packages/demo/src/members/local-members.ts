import { parsePresence, type TaskList } from '@concord/core';
import type * as Y from 'yjs';
import type { Identity } from '../identity/identity.js';
import { sortMembers, type Member, type MemberSource } from './member-source.js';

/** Key in each awareness state carrying the identity's id (the presence schema leaves other keys to apps). */
export const MEMBER_ID_FIELD = 'memberId';
/** A write refreshes the person's entry in the list document at most this often. */
const WRITE_REFRESH_MS = 10 * 60_000;

interface Seen {
  readonly name: string;
  readonly color: string;
  readonly lastSeen: number;
}

/**
 * Members from what exists without attribution: the list document's `members` map (each person who changed the list
 * from this app records { name, color, lastWrite } under their identity id, so it syncs to everyone, offline writers
 * included) and this device's history of who it saw online (localStorage, per list: last seen when they left).
 */
export class LocalMembers implements MemberSource {
  private readonly map: Y.Map<unknown>;
  private readonly storageKey: string;
  private seen: Record<string, Seen>;
  private onlineIds = new Set<string>();
  private online = false;
  private lastWrite = 0;
  private readonly listeners = new Set<() => void>();
  private readonly stop: Array<() => void> = [];

  constructor(
    private readonly list: TaskList,
    private identity: Identity,
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {
    this.map = list.doc.getMap('members');
    this.storageKey = `concord:seen:${list.id}`;
    this.seen = this.readSeen();
    list.awareness.setLocalStateField(MEMBER_ID_FIELD, identity.id);
    const onAwareness = () => this.fromPresence();
    const onMap = () => this.emit();
    list.awareness.on('change', onAwareness);
    this.map.observe(onMap);
    this.stop.push(() => list.awareness.off('change', onAwareness), () => this.map.unobserve(onMap));
    this.fromPresence();
  }

  /** The person behind this device changed their name or colour. */
  setIdentity(identity: Identity): void {
    this.identity = identity;
    if (this.map.has(identity.id)) this.record();
    this.emit();
  }

  wrote(): void {
    if (this.now() - this.lastWrite < WRITE_REFRESH_MS && this.map.has(this.identity.id)) return;
    this.record();
  }

  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    this.fromPresence();
  }

  members(): readonly Member[] {
    const byId = new Map<string, Member>();
    const self = this.identity;
    for (const [id, value] of this.map) {
      const entry = value as { name?: unknown; color?: unknown; lastWrite?: unknown } | null;
      if (typeof entry?.name !== 'string' || typeof entry.color !== 'string') continue;
      const lastWrite = typeof entry.lastWrite === 'number' ? entry.lastWrite : null;
      byId.set(id, { id, name: entry.name, color: entry.color, online: false, lastSeen: lastWrite, self: false });
    }
    for (const [id, seen] of Object.entries(this.seen)) {
      const known = byId.get(id);
      const lastSeen = Math.max(seen.lastSeen, known?.lastSeen ?? 0);
      byId.set(id, { id, name: seen.name, color: seen.color, online: false, self: false, ...known, lastSeen });
    }
    for (const peer of this.peers()) {
      const known = byId.get(peer.id);
      byId.set(peer.id, { ...peer, online: this.online, lastSeen: this.online ? this.now() : (known?.lastSeen ?? null), self: false });
    }
    byId.set(self.id, { id: self.id, name: self.name, color: self.color, online: this.online, lastSeen: this.now(), self: true });
    return sortMembers(byId.values());
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    for (const stop of this.stop.splice(0)) stop();
    this.listeners.clear();
  }

  private record(): void {
    this.lastWrite = this.now();
    this.map.set(this.identity.id, { name: this.identity.name, color: this.identity.color, lastWrite: this.lastWrite });
  }

  /** The others on the list now, by member id. */
  private peers(): Array<{ id: string; name: string; color: string }> {
    const peers: Array<{ id: string; name: string; color: string }> = [];
    for (const [clientId, state] of this.list.awareness.getStates()) {
      if (clientId === this.list.awareness.clientID) continue;
      const parsed = parsePresence(state);
      if (!parsed) continue;
      const memberId = (state as Record<string, unknown>)[MEMBER_ID_FIELD];
      const id = typeof memberId === 'string' && memberId ? memberId : `presence:${clientId}`;
      if (id !== this.identity.id) peers.push({ id, name: parsed.user.name, color: parsed.user.color });
    }
    return peers;
  }

  /** Records who is online now, and when those who just left were last here. */
  private fromPresence(): void {
    const now = this.now();
    const present = this.online ? this.peers() : [];
    const ids = new Set(present.map((peer) => peer.id));
    for (const peer of present) this.seen[peer.id] = { name: peer.name, color: peer.color, lastSeen: now };
    for (const id of this.onlineIds) {
      const seen = this.seen[id];
      if (!ids.has(id) && seen) this.seen[id] = { ...seen, lastSeen: now };
    }
    this.onlineIds = ids;
    // Anonymous presences (no member id) are shown while online only: there is no one to remember.
    for (const id of Object.keys(this.seen)) if (id.startsWith('presence:') && !ids.has(id)) delete this.seen[id];
    this.storage.setItem(this.storageKey, JSON.stringify(this.seen));
    this.emit();
  }

  private readSeen(): Record<string, Seen> {
    try {
      const value = JSON.parse(this.storage.getItem(this.storageKey) ?? '{}') as Record<string, Seen>;
      return typeof value === 'object' && value !== null ? value : {};
    } catch {
      return {};
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
