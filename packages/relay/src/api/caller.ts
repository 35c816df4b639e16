import type { IncomingMessage } from 'node:http';
import { ALLOW_ALL, type DocumentAccess } from '../auth/access.js';
import { tokenAccess, verifyToken } from '../auth/tokens.js';
import { TokenBucket } from '../host/limits.js';
import { ApiError } from './api-error.js';

/** Who makes a request, and what the token lets them do. */
export interface Caller {
  readonly access: DocumentAccess;
  /** The token's `sub`; undefined without authentication. */
  readonly author: string | undefined;
  /** Whom the rate limit counts the request against. */
  readonly key: string;
}

/** As for WebSockets: with a secret, `Authorization: Bearer <token>` is required (401 without a valid one). */
export async function authenticate(request: IncomingMessage, secret: string | null): Promise<Caller> {
  const address = request.socket.remoteAddress ?? '';
  if (secret === null) return { access: ALLOW_ALL, author: undefined, key: `ip:${address}` };
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match === null) throw new ApiError(401, 'ERR_UNAUTHORIZED', 'send a token as Authorization: Bearer <token>', undefined, { 'WWW-Authenticate': 'Bearer' });
  try {
    const claims = await verifyToken(secret, match[1]!);
    return { access: tokenAccess(claims), author: claims.sub, key: `sub:${claims.sub}` };
  } catch (error) {
    throw new ApiError(401, 'ERR_UNAUTHORIZED', error instanceof Error ? error.message : 'invalid token', undefined, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
}

/** 403 unless the caller may read (or, with `write`, write) the list. */
export function authorize(caller: Caller, list: string, write: boolean): void {
  const mode = caller.access.mode(list);
  if (mode === 'none') throw new ApiError(403, 'ERR_FORBIDDEN', `the token does not cover list ${list}`);
  if (write && mode !== 'rw') throw new ApiError(403, 'ERR_FORBIDDEN', `the token is read-only for list ${list}`);
}

/** Callers whose bucket is kept; past it the oldest go (a forgotten caller starts again with a full bucket). */
const MAX_TRACKED_CALLERS = 10_000;

/** The relay's rate limit applied to HTTP requests: a token bucket per user (per address without authentication). */
export class RequestRateLimit {
  readonly #buckets = new Map<string, TokenBucket>();
  constructor(private readonly limit: { readonly perSecond: number; readonly burst: number } | null) {}

  take(key: string): void {
    if (this.limit === null) return;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_TRACKED_CALLERS) this.#buckets.delete(this.#buckets.keys().next().value!);
      this.#buckets.set(key, (bucket = new TokenBucket(this.limit.perSecond, this.limit.burst)));
    }
    if (!bucket.take()) {
      const seconds = Math.max(1, Math.ceil(bucket.msUntilNext() / 1000));
      throw new ApiError(429, 'ERR_RATE_LIMITED', 'too many requests', undefined, { 'Retry-After': String(seconds) });
    }
  }
}
