/**
 * Access to lists on a relay started with `--auth-secret`: the token for each list, taken from a share link's
 * `?token=` and kept in this browser (then taken out of the address bar, so a copied address never leaks it), and
 * share links minted by the relay (`POST /share-links`) for someone else. On an open relay there are no tokens and a
 * share link is the list's address.
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
}

/**
 * The `sub` a token was issued to (read, not verified: the relay verifies). On a relay with `--auth-secret`, each
 * write's claimed author must be the connection's `sub` (the relay refuses a false claim), so the page writes as it.
 */
export function tokenSubject(token: string): string | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub ? sub : null;
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

/** The relay refused to mint a link; the message is its own (e.g. a read-only token asking for a read-write link). */
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
