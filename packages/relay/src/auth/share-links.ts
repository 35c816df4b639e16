import { randomBytes } from 'node:crypto';
import { createToken, listIdOf, tokenAccess, TokenError, verifyToken, type TokenClaims } from './tokens.js';

/** A share link's lifetime when the request names none: a week. */
export const DEFAULT_SHARE_TTL_SECONDS = 7 * 86_400;
/** The longest a share link may live: 30 days (and never past the sharer's own token). */
export const MAX_SHARE_TTL_SECONDS = 30 * 86_400;

const LIST_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A share token minted for one list. */
export interface ShareGrant {
  readonly token: string;
  readonly list: string;
  readonly mode: 'rw' | 'ro';
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  /** The minted token's `sub`: one per link, so what its holders write is told apart from the sharer's. */
  readonly sub: string;
}

/** Why a share was refused, with the HTTP status to answer. */
export class ShareError extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly code: 'ERR_BAD_REQUEST' | 'ERR_UNAUTHORIZED' | 'ERR_FORBIDDEN',
    message: string,
  ) {
    super(message);
    this.name = 'ShareError';
  }
}

/** A fresh `sub` for a share link: one per link, so what its holders write is told apart from the sharer's. */
export function newShareSub(): string {
  return `share-${randomBytes(6).toString('hex')}`;
}

/** The claims of the caller's `Authorization: Bearer` token; throws ShareError 401 when it is missing or invalid. */
export async function verifyBearer(secret: string, bearer: string | null, now: number): Promise<TokenClaims> {
  if (!bearer) throw new ShareError(401, 'ERR_UNAUTHORIZED', 'an Authorization: Bearer <token> header is required');
  try {
    return await verifyToken(secret, bearer, now);
  } catch (error) {
    throw new ShareError(401, 'ERR_UNAUTHORIZED', error instanceof TokenError ? error.message : 'invalid token');
  }
}

/**
 * Mints a token for `list` on behalf of the holder of `bearer`: scoped to that one list, read-write only when the
 * sharer may write it, and expiring after `ttlSeconds` (default a week, at most 30 days), never after the sharer's own
 * token. Throws ShareError.
 */
export async function mintShareToken(
  secret: string,
  bearer: string | null,
  request: { readonly list?: unknown; readonly mode?: unknown; readonly ttlSeconds?: unknown },
  now: number = Date.now(),
): Promise<ShareGrant> {
  const claims = await verifyBearer(secret, bearer, now);
  const { list, mode = 'rw', ttlSeconds = DEFAULT_SHARE_TTL_SECONDS } = request;
  if (typeof list !== 'string' || !LIST_ID.test(list) || listIdOf(list) !== list) {
    throw new ShareError(400, 'ERR_BAD_REQUEST', '"list" must be a list id (1-128 of A-Z a-z 0-9 _ -)');
  }
  if (mode !== 'rw' && mode !== 'ro') throw new ShareError(400, 'ERR_BAD_REQUEST', '"mode" must be "rw" or "ro"');
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_SHARE_TTL_SECONDS) {
    throw new ShareError(400, 'ERR_BAD_REQUEST', `"ttl" must be between 1 s and ${MAX_SHARE_TTL_SECONDS / 86_400} days`);
  }
  const allowed = tokenAccess(claims).mode(list);
  if (allowed === 'none') throw new ShareError(403, 'ERR_FORBIDDEN', `the token does not cover list "${list}"`);
  if (mode === 'rw' && allowed !== 'rw') throw new ShareError(403, 'ERR_FORBIDDEN', 'a read-only token can only share read-only');
  const nowSeconds = Math.floor(now / 1000);
  const expiresAt = Math.min(nowSeconds + ttlSeconds, claims.exp);
  const sub = newShareSub();
  const token = await createToken({ secret, lists: [list], mode, ttlSeconds: expiresAt - nowSeconds, sub, now });
  return { token, list, mode, expiresAt, sub };
}
