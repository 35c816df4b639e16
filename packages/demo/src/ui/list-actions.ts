import { newListId, type Concord, type TaskList } from '@concord/core';
import { createOwnList, listLink, shareLink, type ListAccess, type ShareMode } from '../lists/list-access.js';
import { ListName } from '../lists/list-name.js';
import type { RecentLists } from '../lists/recent-lists.js';
import type { ShareState } from './list-header.js';

export interface ListActionsHost {
  readonly concord: Concord;
  readonly list: TaskList;
  readonly name: ListName;
  readonly recent: RecentLists;
  readonly access: ListAccess;
  readonly location: Location;
  /** Opens another list (a page load: one list per page). */
  navigate(url: string): void;
  setSharing(state: ShareState | null): void;
  announce(message: string): void;
  showError(message: string): void;
  wrote(): void;
}

/** What people do to lists: rename, create (a name becomes a generated id), leave, share. */
export class ListActions {
  private shareRequest = 0;

  constructor(private readonly host: ListActionsHost) {}

  rename(name: string): void {
    const { list, recent } = this.host;
    if (!this.host.name.set(name)) return;
    this.host.wrote();
    recent.renamed(list.id, this.host.name.value);
    this.host.announce(`List renamed to “${this.host.name.value}”.`);
  }

  /**
   * Creates a list named `name` under a new id, stores the name in its document on this device, then opens it. On a
   * relay with tokens, the relay makes the id and a token for it (`POST /lists`, with a token this device holds); on
   * an open relay, the page makes the id.
   */
  async create(name: string): Promise<void> {
    const { concord, recent, access } = this.host;
    try {
      const token = access.token(this.host.list.id) ?? access.anyToken();
      const granted = token ? await createOwnList(this.host.location, token, name) : null;
      const id = granted?.list ?? newListId(name);
      if (granted) access.remember(id, granted.token);
      const list = await concord.openList(id);
      new ListName(list).set(name);
      await list.flush();
      recent.opened(id, name);
      this.host.navigate(listLink(this.host.location, id));
    } catch (error) {
      this.host.showError(`Could not create “${name}”: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Forgets this list on this device (its recent entry and token) and opens the next recent one, or a new list. */
  leave(): void {
    const { list, recent, access } = this.host;
    recent.forget(list.id);
    access.forget(list.id);
    const next = recent.all()[0];
    this.host.navigate(next ? listLink(this.host.location, next.id) : `${this.host.location.origin}${this.host.location.pathname}`);
  }

  /** Makes a share link (minted by the relay when this device holds a token) and copies it. */
  async share(mode: ShareMode): Promise<void> {
    const request = ++this.shareRequest;
    const base = { mode, minted: this.host.access.token(this.host.list.id) !== null, copied: false };
    this.host.setSharing({ ...base, url: null, expiresAt: null, error: null });
    try {
      const { url, expiresAt } = await shareLink(this.host.location, this.host.access, this.host.list.id, mode);
      if (request !== this.shareRequest) return;
      const copied = await navigator.clipboard?.writeText(url).then(
        () => true,
        () => false,
      );
      this.host.setSharing({ ...base, url, expiresAt, copied: copied === true, error: null });
      this.host.announce(copied ? 'Link copied.' : 'Link ready to copy.');
    } catch (error) {
      if (request !== this.shareRequest) return;
      this.host.setSharing({ ...base, url: null, expiresAt: null, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
