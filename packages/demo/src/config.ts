/** Reads what the page is about from its URL and this browser's storage: the list, who you are, how to sync. */
import { isValidId, newListId } from '@concord/core';
import { loadIdentity, type Identity } from './identity/identity.js';
import { ListAccess, tokenSubject } from './lists/list-access.js';
import { RecentLists } from './lists/recent-lists.js';

export { initials } from './identity/identity.js';

export type User = Pick<Identity, 'name' | 'color'>;

export interface PageConfig {
  readonly listId: string;
  /** A list this page makes (no `?list=` and no recent list): the name to give it once it is open. */
  readonly newListName: string | null;
  readonly identity: Identity;
  /** Nothing was chosen on this device before: the page shows its first-visit view. */
  readonly firstVisit: boolean;
  /** Whether this window chose "Work offline" (kept for the tab's session, across reloads). */
  readonly workOffline: boolean;
  /** Local storage adapter from `?storage=` (to compare them): core's default unless asked. */
  readonly storage: StorageChoice;
  /** The token for this list on a relay with `--auth-secret` (from a share link, then kept on this device). */
  readonly token: string | null;
  /**
   * What `?list=` held when it was no list id (a name typed by hand, "Weekend trip", or a damaged link): the page then
   * opens the most recent list (or a first one) and says so, offering to create a list with that name.
   */
  readonly badLink: string | null;
}

export type StorageChoice = 'default' | 'y-indexeddb' | 'single';

/** The name a person's first list gets. */
export const FIRST_LIST_NAME = 'My tasks';

const OFFLINE_KEY = 'concord:work-offline';

/** Longest part of an invalid `?list=` the page repeats back. */
const MAX_SHOWN_LINK = 80;

export function readConfig(location: Location, local: Storage, session: Storage): PageConfig {
  const params = new URLSearchParams(location.search);
  const given = params.get('list')?.trim();
  const badLink = given && !isValidId(given) ? given.slice(0, MAX_SHOWN_LINK) : null;
  const asked = badLink === null ? given : undefined;
  const recent = new RecentLists(local).all()[0]?.id;
  const listId = asked || recent || newListId(FIRST_LIST_NAME);
  const access = new ListAccess(local);
  const fromLink = params.get('token');
  if (fromLink && badLink === null) access.remember(listId, fromLink);
  const { identity, firstVisit } = loadIdentity(local, session, params.get('user'));
  const storageParam = params.get('storage');
  const storage: StorageChoice = storageParam === 'y-indexeddb' || storageParam === 'single' ? storageParam : 'default';
  return {
    listId,
    newListName: asked || recent ? null : FIRST_LIST_NAME,
    identity,
    firstVisit,
    workOffline: session.getItem(OFFLINE_KEY) === '1',
    storage,
    token: access.token(listId),
    badLink,
  };
}

/**
 * The address to show once the page knows its list: `?list=` set, a share link's token taken out (it is kept in this
 * browser). Other parameters (`user`, `storage`, `relay`) stay: they were typed on purpose.
 */
export function canonicalSearch(search: string, listId: string): string {
  const params = new URLSearchParams(search);
  params.set('list', listId);
  params.delete('token');
  return `?${params.toString()}`;
}

/**
 * The user id this page's writes are attributed to: on a relay with `--auth-secret`, the token's `sub` (the relay
 * refuses a claim naming anyone else); otherwise the name the person had when the page opened. Members group the user
 * ids one identity wrote under (a rename adds one) through the profile it records.
 */
export function writerId(config: Pick<PageConfig, 'token' | 'identity'>): string {
  return (config.token && tokenSubject(config.token)) || config.identity.name;
}

export function rememberWorkOffline(session: Storage, offline: boolean): void {
  if (offline) session.setItem(OFFLINE_KEY, '1');
  else session.removeItem(OFFLINE_KEY);
}
