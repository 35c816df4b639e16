import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { mintShareToken, ShareError } from '../auth/share-links.js';
import { parseTtl } from '../auth/tokens.js';
import { bearerOf, MAX_MINT_BODY_BYTES, readSmallBody, replyJson as reply } from './json-exchange.js';

/** Where share links are minted (`POST`, JSON), on the relay's own port. */
export const SHARE_PATH = '/share-links';

/**
 * `POST /share-links` with `Authorization: Bearer <token>` and `{ "list": "…", "mode": "rw" | "ro", "ttl": "7d" }`:
 * answers `{ token, list, mode, expiresAt, sub }` (see mintShareToken). Errors answer `{ error: { code, message } }`.
 * Without `--auth-secret` there is nothing to mint: 404 `ERR_AUTH_OFF` (a list's address is its share link).
 */
export async function shareRoute(request: IncomingMessage, response: ServerResponse, secret: string | null, logger: Logger): Promise<void> {
  if (request.method !== 'POST') {
    return reply(response, 405, { error: { code: 'ERR_METHOD_NOT_ALLOWED', message: 'use POST' } }, { Allow: 'POST' });
  }
  if (secret === null) {
    return reply(response, 404, { error: { code: 'ERR_AUTH_OFF', message: 'this relay runs without --auth-secret: share the list address as it is' } });
  }
  const body = await readSmallBody(request);
  if (body === null) return reply(response, 413, { error: { code: 'ERR_TOO_LARGE', message: `the body is over ${MAX_MINT_BODY_BYTES} bytes` } });
  try {
    let parsed: { list?: unknown; mode?: unknown; ttl?: unknown };
    try {
      parsed = JSON.parse(body || '{}') as typeof parsed;
      if (typeof parsed !== 'object' || parsed === null) throw new TypeError('not an object');
    } catch {
      throw new ShareError(400, 'ERR_BAD_REQUEST', 'the body must be a JSON object');
    }
    const { ttl } = parsed;
    const ttlSeconds = ttl === undefined ? undefined : typeof ttl === 'number' ? ttl : typeof ttl === 'string' ? parseTtl(ttl) : Number.NaN;
    const grant = await mintShareToken(secret, bearerOf(request), { list: parsed.list, mode: parsed.mode, ...(ttlSeconds !== undefined && { ttlSeconds }) });
    logger.info({ list: grant.list, mode: grant.mode, expiresAt: grant.expiresAt, sub: grant.sub }, 'share link minted');
    reply(response, 200, grant);
  } catch (error) {
    if (!(error instanceof ShareError)) throw error;
    reply(response, error.status, { error: { code: error.code, message: error.message } });
  }
}
