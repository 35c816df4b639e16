import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { mintOwnList } from '../auth/own-lists.js';
import { ShareError } from '../auth/share-links.js';
import { parseTtl } from '../auth/tokens.js';
import { bearerOf, MAX_MINT_BODY_BYTES, readSmallBody, replyJson as reply } from './json-exchange.js';

/** Where a person with a token creates a list of their own (`POST`, JSON), on the relay's own port. */
export const LISTS_PATH = '/lists';

/**
 * `POST /lists` with `Authorization: Bearer <token>` and `{ "name": "Weekend trip", "ttl": "30d" }` (both optional):
 * answers 201 `{ list, token, mode, expiresAt, sub }` (see mintOwnList). Errors answer `{ error: { code, message } }`.
 * Without `--auth-secret` there is nothing to grant: 404 `ERR_AUTH_OFF` (any new list id can be opened as it is).
 */
export async function listsRoute(request: IncomingMessage, response: ServerResponse, secret: string | null, logger: Logger): Promise<void> {
  if (request.method !== 'POST') {
    return reply(response, 405, { error: { code: 'ERR_METHOD_NOT_ALLOWED', message: 'use POST' } }, { Allow: 'POST' });
  }
  if (secret === null) {
    return reply(response, 404, { error: { code: 'ERR_AUTH_OFF', message: 'this relay runs without --auth-secret: open a new list id as it is' } });
  }
  const body = await readSmallBody(request);
  if (body === null) return reply(response, 413, { error: { code: 'ERR_TOO_LARGE', message: `the body is over ${MAX_MINT_BODY_BYTES} bytes` } });
  try {
    let parsed: { name?: unknown; ttl?: unknown };
    try {
      parsed = JSON.parse(body || '{}') as typeof parsed;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    } catch {
      throw new ShareError(400, 'ERR_BAD_REQUEST', 'the body must be a JSON object');
    }
    const { ttl } = parsed;
    const ttlSeconds = ttl === undefined ? undefined : typeof ttl === 'number' ? ttl : typeof ttl === 'string' ? parseTtl(ttl) : Number.NaN;
    const grant = await mintOwnList(secret, bearerOf(request), { name: parsed.name, ...(ttlSeconds !== undefined && { ttlSeconds }) });
    logger.info({ list: grant.list, sub: grant.sub, expiresAt: grant.expiresAt }, 'list created');
    reply(response, 201, grant, { Location: `/?list=${grant.list}` });
  } catch (error) {
    if (!(error instanceof ShareError)) throw error;
    reply(response, error.status, { error: { code: error.code, message: error.message } });
  }
}
