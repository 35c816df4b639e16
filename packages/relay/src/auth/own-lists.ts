import { newListId } from '@concord/core/model';
import { MAX_SHARE_TTL_SECONDS, ShareError, verifyBearer } from './share-links.js';
import { createToken } from './tokens.js';

/** The longest `name` a new list's id is made from (its slug keeps the first 40 characters). */
export const MAX_LIST_NAME_LENGTH = 200;

/** A list made for its creator: a fresh id no one else holds a token for, and a token for it alone. */
export interface ListGrant {
  readonly list: string;
  readonly token: string;
  readonly mode: 'rw';
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  /** The creator's own `sub`: what they write in the new list is theirs, as in their other lists. */
  readonly sub: string;
}

/**
 * Creates a list for the holder of `bearer`: any valid read-write token (for whatever lists) may create lists of its
 * own. The relay picks the id, so a token is never minted for a list that someone else already uses; the new token
 * covers that one list, read-write, with the caller's `sub`, expiring after `ttlSeconds` (default and most 30 days)
 * and never after the caller's own token. Throws ShareError (401 without a valid token, 403 for a read-only one, 400
 * for a bad request).
 */
export async function mintOwnList(
  secret: string,
  bearer: string | null,
  request: { readonly name?: unknown; readonly ttlSeconds?: unknown },
  now: number = Date.now(),
): Promise<ListGrant> {
  const claims = await verifyBearer(secret, bearer, now);
  if (claims.mode !== 'rw') throw new ShareError(403, 'ERR_FORBIDDEN', 'a read-only token cannot create lists');
  const { name = '', ttlSeconds = MAX_SHARE_TTL_SECONDS } = request;
  if (typeof name !== 'string' || name.length > MAX_LIST_NAME_LENGTH) {
    throw new ShareError(400, 'ERR_BAD_REQUEST', `"name" must be a string of at most ${MAX_LIST_NAME_LENGTH} characters`);
  }
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_SHARE_TTL_SECONDS) {
    throw new ShareError(400, 'ERR_BAD_REQUEST', `"ttl" must be between 1 s and ${MAX_SHARE_TTL_SECONDS / 86_400} days`);
  }
  const list = newListId(name);
  const nowSeconds = Math.floor(now / 1000);
  const expiresAt = Math.min(nowSeconds + ttlSeconds, claims.exp);
  const token = await createToken({ secret, lists: [list], mode: 'rw', ttlSeconds: expiresAt - nowSeconds, sub: claims.sub, now });
  return { list, token, mode: 'rw', expiresAt, sub: claims.sub };
}
