/** Reads what the page is about from its URL and this browser's storage: the list, who you are, how to sync. */
import { isValidId } from '@concord/core';
import { loadIdentity, type Identity } from './identity/identity.js';
import { ListAccess } from './lists/list-access.js';
import { newListId } from './lists/list-name.js';
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
}

export type StorageChoice = 'default' | 'y-indexeddb' | 'single';

/** The name a person's first list gets. */
export const FIRST_LIST_NAME = 'My tasks';

const OFFLINE_KEY = 'concord:work-offline';

/** An invalid `?list=`, said plainly. */
export class ListIdError extends Error {
  constructor(readonly listId: string) {
    super(`“${listId}” is not a list link this app made (list ids use letters, digits, _ and -, at most 128).`);
    this.name = 'ListIdError';
  }
}

export function readConfig(location: Location, local: Storage, session: Storage): PageConfig {
  const params = new URLSearchParams(location.search);
  const asked = params.get('list')?.trim();
  if (asked !== undefined && asked !== '' && !isValidId(asked)) throw new ListIdError(asked);
  const recent = new RecentLists(local).all()[0]?.id;
  const listId = asked || recent || newListId(FIRST_LIST_NAME);
  const access = new ListAccess(local);
  const fromLink = params.get('token');
  if (fromLink) access.remember(listId, fromLink);
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

export function rememberWorkOffline(session: Storage, offline: boolean): void {
  if (offline) session.setItem(OFFLINE_KEY, '1');
  else session.removeItem(OFFLINE_KEY);
}
