import { editorsByTask, Presence, type ListSyncStatus, type Peer, type Task, type TaskId, type TaskList } from '@concord/core';
import { RemoteAnnouncer } from '../a11y/remote-announcer.js';
import { cleanName, saveIdentity, type Identity } from '../identity/identity.js';
import { ListName } from '../lists/list-name.js';
import { AttributedMembers, MEMBER_ID_FIELD } from '../members/attributed-members.js';
import type { Member, MemberSource } from '../members/member-source.js';
import { trackEditing } from '../presence.js';
import { StatusDisplay, type DisplayedStatus } from './status-display.js';

/** What the page hears from an open list. */
export interface SessionListener {
  /** Live tasks, open ones first then completed ones, each in list order; and the trash. */
  tasks(tasks: readonly Task[], trash: readonly Task[]): void;
  peers(peers: Peer[]): void;
  members(members: readonly Member[]): void;
  name(name: string): void;
  status(shown: DisplayedStatus): void;
  announce(message: string): void;
  error(message: string): void;
}

/**
 * One open list and everything the page follows on it: tasks, its name, sync status, presence, members (from the
 * list's attribution) and remote changes to the focused task.
 */
export class ListSession {
  readonly presence: Presence;
  readonly members: MemberSource;
  readonly name: ListName;
  readonly statusDisplay: StatusDisplay;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    readonly list: TaskList,
    private identity: Identity,
    /** The user id this page's writes are attributed to (see `writerId` in config.ts). */
    user: string,
    root: HTMLElement,
    listener: SessionListener,
    /** The list's name as this device last saw it, shown until the list document is read. */
    rememberedName = '',
  ) {
    this.presence = new Presence(list.awareness);
    this.presence.setUser(identity);
    this.presence.setEditing(null);
    const members = new AttributedMembers(list, identity, user, localStorage);
    this.members = members;
    this.name = new ListName(list, rememberedName);
    this.statusDisplay = new StatusDisplay(list.status, (shown) => {
      members.setOnline(shown.status.state !== 'offline');
      listener.status(shown);
    });
    const announcer = new RemoteAnnouncer(root, list, () => this.presence.peers(), (message) => listener.announce(message));
    const onStatus = (status: ListSyncStatus) => this.statusDisplay.update(status);
    const onError = (error: Error) => listener.error(error.message);
    list.on('status', onStatus);
    list.on('error', onError);
    this.cleanups.push(
      list.subscribe((tasks) => {
        listener.tasks([...tasks.filter((task) => !task.completed), ...tasks.filter((task) => task.completed)], list.trash());
        announcer.listChanged(tasks);
      }),
      this.presence.onChange(() => {
        this.editorsCache = null;
        listener.peers(this.presence.peers());
      }),
      members.onChange(() => listener.members(members.members())),
      this.name.onChange((name) => listener.name(name)),
      () => this.name.destroy(),
      trackEditing(root, this.presence),
      () => list.off('status', onStatus),
      () => list.off('error', onError),
      () => this.statusDisplay.destroy(),
      () => announcer.destroy(),
      () => members.destroy(),
    );
  }

  private editorsCache: ReadonlyMap<TaskId, readonly Peer[]> | null = null;

  /** Who else edits each task (nobody while offline: their presence would be stale); the same map until peers change. */
  editors(offline: boolean): ReadonlyMap<TaskId, readonly Peer[]> {
    if (offline) return new Map();
    return (this.editorsCache ??= editorsByTask(this.presence.peers()));
  }

  /** This person changed the list. */
  wrote(): void {
    this.members.wrote();
  }

  /** A new name or colour: kept where the identity came from (device or tab), and shown to others. Null if blank. */
  changeIdentity(change: Partial<Pick<Identity, 'name' | 'color'>>): Identity | null {
    const name = change.name === undefined ? this.identity.name : cleanName(change.name);
    if (!name) return null;
    const identity = { ...this.identity, name, ...(change.color && { color: change.color }) };
    saveIdentity(localStorage, sessionStorage, identity);
    this.identity = identity;
    this.presence.setUser(identity);
    this.members.setIdentity(identity);
    return identity;
  }

  /** Tells others this window left (on pagehide), or is back (a page restored from the back/forward cache). */
  setPresent(present: boolean): void {
    if (!present) return this.presence.leave();
    this.presence.setUser(this.identity);
    this.list.awareness.setLocalStateField(MEMBER_ID_FIELD, this.identity.id);
    this.presence.setEditing(null);
  }

  destroy(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
