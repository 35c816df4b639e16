import type { AccessMode, DocumentAccess } from './access.js';

/**
 * Access tokens: HS256 JWTs (jose) presented as `?token=` on the WebSocket URL.
 *
 * Claims: `sub` (the user), `lists` (list ids, or `"*"` for every list), `mode` (`rw` or `ro`), `exp` (required).
 * A document `<listId>` or `<listId>/<taskId>` is covered when its list id (before the first `/`) is in `lists`.
 */
export interface TokenClaims {
  readonly sub: string;
  readonly lists: readonly string[] | '*';
  readonly mode: 'rw' | 'ro';
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

/** The claims and lifetime of a token made by `createToken`. */
export interface CreateTokenOptions {
  readonly secret: string;
  readonly lists: readonly string[] | '*';
  readonly mode?: 'rw' | 'ro';
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
  readonly sub?: string;
  /** Current time in ms (tests). */
  readonly now?: number;
}

/** Why a token was refused: every reason maps to HTTP 401 at the upgrade (or close 4401 on expiry while connected). */
export class TokenError extends Error {
  readonly code = 'ERR_UNAUTHORIZED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenError';
  }
}

/** `jose`, loaded by the first token made or checked: a relay without `--auth-secret` never needs it. */
let joseLoaded: Promise<typeof import('jose')> | null = null;
const jose = (): Promise<typeof import('jose')> => (joseLoaded ??= import('jose'));

const encoder = new TextEncoder();
const key = (secret: string): Uint8Array => encoder.encode(secret);

/**
 * Signs an access token for the relay started with `--auth-secret` (or `startRelay({ authSecret })`): the same secret.
 * @example
 * ```ts
 * const token = await createToken({ secret, lists: ['groceries'], mode: 'rw', ttlSeconds: 3600, sub: 'ann' });
 * new WebSocketTransport({ url, token }); // or token: () => fetchFreshToken()
 * ```
 */
export async function createToken(options: CreateTokenOptions): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const { SignJWT } = await jose();
  return new SignJWT({ lists: options.lists === '*' ? '*' : [...options.lists], mode: options.mode ?? 'rw' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub ?? 'anonymous')
    .setIssuedAt(now)
    .setExpirationTime(now + options.ttlSeconds)
    .sign(key(options.secret));
}

/** Verifies signature, algorithm, expiry and claim shapes. Throws TokenError. */
export async function verifyToken(secret: string, token: string, now: number = Date.now()): Promise<TokenClaims> {
  const { errors, jwtVerify } = await jose();
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: new Date(now),
    }));
  } catch (error) {
    const reason = error instanceof errors.JWTExpired ? 'token expired' : 'invalid token';
    throw new TokenError(reason, { cause: error });
  }
  const { sub, lists, mode, exp } = payload as Record<string, unknown>;
  const listsOk = lists === '*' || (Array.isArray(lists) && lists.every((list) => typeof list === 'string'));
  if (!listsOk) throw new TokenError('invalid token: "lists" must be an array of list ids or "*"');
  if (mode !== 'rw' && mode !== 'ro') throw new TokenError('invalid token: "mode" must be "rw" or "ro"');
  if (typeof exp !== 'number') throw new TokenError('invalid token: "exp" missing');
  return { sub: typeof sub === 'string' ? sub : '', lists: lists as TokenClaims['lists'], mode, exp };
}

/** The list id of a document: the part before the first `/`. */
export function listIdOf(doc: string): string {
  const slash = doc.indexOf('/');
  return slash === -1 ? doc : doc.slice(0, slash);
}

/** What a verified token allows: its mode for documents of its lists, `none` elsewhere. */
export function tokenAccess(claims: TokenClaims): DocumentAccess {
  const lists = claims.lists === '*' ? null : new Set(claims.lists);
  const all = lists === null || lists.has('*');
  return {
    mode: (doc: string): AccessMode => (all || lists.has(listIdOf(doc)) ? claims.mode : 'none'),
    author: claims.sub,
  };
}

/** `30s`, `15m`, `1h`, `7d` or plain seconds → seconds. Returns NaN when unparseable. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (match === null) return Number.NaN;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : Number.NaN;
}
