/**
 * Access to lists on a relay started with `--auth-secret`: the token for each list, taken from a share link's
 * `?token=` and kept in this browser (then taken out of the address bar, so a copied address never leaks it), and
 * share links minted by the relay (`POST /share-links`) for someone else, and lists of one's own it creates (`POST
 * /lists`). On an open relay there are no tokens and a share link is the list's address.
 */

const PREFIX = 'concord:token:';

export type ShareMode = 'rw' | 'ro';

export class ListAccess {
  constructor(private readonly storage: Storage) {}

  /** The stored token for `listId`, if any. */
  token(listId: string): string | null {
    return this.storage.getItem(PREFIX + listId);
  }

  remember(listId: string, token: string): void {
    this.storage.setItem(PREFIX + listId, token);
  }

  forget(listId: string): void {
    this.storage.removeItem(PREFIX + listId);
  }

  /** Any token this device holds (for creating a list of one's own when the current list has none), or null. */
  anyToken(): string | null {
    for (let index = 0; index < this.storage.length; index++) {
      const key = this.storage.key(index);
      if (key?.startsWith(PREFIX)) return this.storage.getItem(key);
    }
    return null;
  }
}

/** A token's claims as the page reads them (not verified: the relay verifies), or null when unreadable. */
function tokenClaims(token: string): { sub?: unknown; exp?: unknown } | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null ? claims : null;
  } catch {
    return null;
  }
}

/**
 * The `sub` a token was issued to (read, not verified: the relay verifies). On a relay with `--auth-secret`, each
 * write's claimed author must be the connection's `sub` (the relay refuses a false claim), so the page writes as it.
 */
export function tokenSubject(token: string): string | null {
  const sub = tokenClaims(token)?.sub;
  return typeof sub === 'string' && sub ? sub : null;
}

/** Why the relay refuses this page, as far as it can tell: no token where one is needed, or an expired one. */
export type AccessProblem = 'needs-link' | 'expired';

/**
 * Asked once the relay has been unreachable for a while (a browser hides why a WebSocket upgrade was refused): an
 * expired token is read from its `exp`; without a token, `POST /lists` unauthenticated answers 401 only on a relay
 * with `--auth-secret` (404 without), and changes nothing. Null: nothing found, the relay is just out of reach.
 */
export async function accessProblem(location: Location, token: string | null, now = Date.now()): Promise<AccessProblem | null> {
  if (token) {
    const exp = tokenClaims(token)?.exp;
    return typeof exp === 'number' && exp * 1000 <= now ? 'expired' : null;
  }
  try {
    const response = await fetch(new URL('/lists', location.origin), { method: 'POST' });
    return response.status === 401 ? 'needs-link' : null;
  } catch {
    return null;
  }
}

/** The address of `listId` on this page's origin: the app's own links carry the list, never a user. */
export function listLink(location: Location, listId: string, token?: string): string {
  const params = new URLSearchParams({ list: listId });
  const relay = new URLSearchParams(location.search).get('relay');
  if (relay) params.set('relay', relay);
  if (token) params.set('token', token);
  return `${location.origin}${location.pathname}?${params.toString()}`;
}

/**
 * On a relay with `--auth-secret`, asks it for a list of one's own named `name` (`POST /lists`, with a token this
 * device holds for any list): the relay picks the id and mints a token for it alone. Null when the relay runs without
 * authentication (`ERR_AUTH_OFF`: the page makes the id itself); ShareError when it refuses (a read-only token, say).
 */
export async function createOwnList(location: Location, token: string, name: string): Promise<{ list: string; token: string } | null> {
  const response = await fetch(new URL('/lists', location.origin), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json().catch(() => null)) as { list?: string; token?: string; error?: { code?: string; message?: string } } | null;
  if (response.status === 404 && body?.error?.code === 'ERR_AUTH_OFF') return null;
  if (!response.ok || typeof body?.list !== 'string' || typeof body.token !== 'string') {
    throw new ShareError(body?.error?.message ?? `the relay refused to create the list (HTTP ${response.status})`);
  }
  return { list: body.list, token: body.token };
}

/** The relay refused to mint a link or a list; the message is its own (e.g. a read-only token asking for a read-write link). */
export class ShareError extends Error {
  override readonly name = 'ShareError';
}

/**
 * A link that opens `listId` for someone else: with a token this device holds, a new token minted by the relay for
 * that list only, in `mode`, expiring (the relay caps it at the sharer's own expiry); without one, the list's address.
 */
export async function shareLink(location: Location, access: ListAccess, listId: string, mode: ShareMode): Promise<{ url: string; expiresAt: number | null }> {
  const token = access.token(listId);
  if (!token) return { url: listLink(location, listId), expiresAt: null };
  const response = await fetch(new URL('/share-links', location.origin), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ list: listId, mode }),
  });
  const body = (await response.json().catch(() => null)) as { token?: string; expiresAt?: number; error?: { message?: string } } | null;
  if (!response.ok || typeof body?.token !== 'string') {
    throw new ShareError(body?.error?.message ?? `the relay refused to share the list (HTTP ${response.status})`);
  }
  return { url: listLink(location, listId, body.token), expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt * 1000 : null };
}
