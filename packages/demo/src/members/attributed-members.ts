import { parsePresence, presenceColor, type ListAuthor, type TaskList } from '@concord/core';
import type { Identity } from '../identity/identity.js';
import { sortMembers, type Member, type MemberSource } from './member-source.js';
import { Profiles, type Profile } from './profiles.js';

/** Key in each awareness state carrying the identity's id (the presence schema leaves other keys to apps). */
export const MEMBER_ID_FIELD = 'memberId';

/**
 * Members from attribution: everyone core's `list.authors()` names (who wrote to the list or any of its tasks, verified
 * by the relay or not), shown by the profile they recorded (profiles.ts), online from presence, and last seen at the
 * later of their latest attributed change and when this device last saw them online (kept in localStorage per list).
 * People online who never wrote are shown while they are here, and not remembered.
 */
export class AttributedMembers implements MemberSource {
  private readonly profiles: Profiles;
  private readonly storageKey: string;
  /** Identity id → when this device last saw them online. */
  private seen: Record<string, number>;
  private onlineIds = new Set<string>();
  private online = false;
  private refreshQueued = false;
  private readonly listeners = new Set<() => void>();
  private readonly stop: Array<() => void> = [];

  /** `user`: the user id this page's writes are attributed to (its token `sub`, else the name it opened with). */
  constructor(
    private readonly list: TaskList,
    private identity: Identity,
    private readonly user: string,
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {
    this.profiles = new Profiles(list);
    this.storageKey = `concord:seen:${list.id}`;
    this.seen = this.readSeen();
    list.awareness.setLocalStateField(MEMBER_ID_FIELD, identity.id);
    const onAwareness = () => this.fromPresence();
    const onChange = () => this.queueRefresh();
    list.awareness.on('change', onAwareness);
    list.on('change', onChange);
    this.stop.push(() => list.awareness.off('change', onAwareness), () => list.off('change', onChange), this.profiles.onChange(() => this.emit()));
    this.fromPresence();
    this.queueRefresh();
  }

  setIdentity(identity: Identity): void {
    this.identity = identity;
    this.queueRefresh();
    this.emit();
  }

  wrote(): void {
    this.queueRefresh();
  }

  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    this.fromPresence();
  }

  members(): readonly Member[] {
    const authors = this.list.authors();
    const profiles = this.profiles.all();
    const profileOf = new Map<string, Profile>();
    // Your own profile first: a user id two identities wrote under (two devices of one name, no token) shows as you.
    for (const profile of [...profiles].sort((a, b) => Number(b.id === this.identity.id) - Number(a.id === this.identity.id))) {
      for (const user of profile.users) if (!profileOf.has(user)) profileOf.set(user, profile);
    }
    const byId = new Map<string, { profile: Profile | null; authors: ListAuthor[] }>();
    for (const author of authors) {
      const profile = author.user === this.user ? null : (profileOf.get(author.user) ?? null);
      const id = author.user === this.user ? this.identity.id : (profile?.id ?? `author:${author.user}`);
      const group = byId.get(id) ?? { profile, authors: [] };
      group.authors.push(author);
      byId.set(id, group);
    }
    const members = new Map<string, Member>();
    for (const [id, { profile, authors: written }] of byId) {
      const lastChange = Math.max(0, ...written.map((author) => author.lastChangeAt ?? 0));
      const seen = Math.max(lastChange, this.seen[id] ?? 0);
      const name = profile?.name ?? written[0]!.user;
      members.set(id, {
        id,
        name,
        color: profile?.color ?? presenceColor(name),
        online: false,
        lastSeen: seen > 0 ? seen : null,
        self: false,
        author: true,
        verified: written.every((author) => author.verified),
      });
    }
    for (const peer of this.peers()) {
      const known = members.get(peer.id);
      const base: Member = known ?? { ...peer, online: false, lastSeen: null, self: false, author: false, verified: false };
      members.set(peer.id, { ...base, name: peer.name, color: peer.color, online: this.online, lastSeen: this.online ? this.now() : base.lastSeen });
    }
    const mine = members.get(this.identity.id);
    const { id, name, color } = this.identity;
    members.set(id, { author: false, verified: false, ...mine, id, name, color, online: this.online, lastSeen: this.now(), self: true });
    return sortMembers(members.values());
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    for (const stop of this.stop.splice(0)) stop();
    this.listeners.clear();
  }

  /**
   * After a change: once this person is an author of the list, records how to show them, and tells the panel. Both
   * wait for an idle moment (at most half a second): reading the authors of a 1,000-task list takes milliseconds, to
   * be spent once per burst of typing rather than on every keystroke, and never inside the change or a render.
   */
  private queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    const run = () => {
      this.refreshQueued = false;
      if (this.list.isClosed) return;
      if (this.list.authors().some((author) => author.user === this.user)) this.profiles.record(this.identity, this.user);
      this.emit();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 500 });
    else setTimeout(run, 50);
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
    for (const id of new Set([...ids, ...this.onlineIds])) if (!id.startsWith('presence:')) this.seen[id] = now;
    this.onlineIds = ids;
    this.storage.setItem(this.storageKey, JSON.stringify(this.seen));
    this.emit();
  }

  private readSeen(): Record<string, number> {
    try {
      const value: unknown = JSON.parse(this.storage.getItem(this.storageKey) ?? '{}');
      if (typeof value !== 'object' || value === null) return {};
      // Earlier versions kept { name, color, lastSeen } per person.
      const entries = Object.entries(value as Record<string, unknown>).map(([id, entry]) => [id, typeof entry === 'number' ? entry : (entry as { lastSeen?: unknown } | null)?.lastSeen] as const);
      return Object.fromEntries(entries.filter((entry): entry is readonly [string, number] => typeof entry[1] === 'number'));
    } catch {
      return {};
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
