import { describe, expect, it } from 'vitest';
import { MAX_SHARE_TTL_SECONDS } from '../src/auth/share-links.js';
import { createToken, verifyToken } from '../src/auth/tokens.js';
import { runRelayCli } from './support/relay-process.js';
import { useRawRelay } from './support/raw-relay.js';

const SECRET = 'share-secret-0123456789';

const token = (lists: string[] | '*', mode: 'rw' | 'ro' = 'rw', ttlSeconds = 3600): Promise<string> =>
  createToken({ secret: SECRET, lists, mode, ttlSeconds, sub: 'ann' });

function httpUrl(wsUrl: string): string {
  return wsUrl.replace(/^ws:/, 'http:').replace(/\/$/, '');
}

async function share(base: string, body: unknown, bearer?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/share-links`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(bearer && { Authorization: `Bearer ${bearer}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('share links: POST /share-links on a relay with --auth-secret', () => {
  const fixture = useRawRelay(['--auth-secret', SECRET]);

  it('mints a token for one list, in the asked mode, expiring, with a sub of its own', async () => {
    const base = httpUrl(fixture.relay.url);
    const before = Math.floor(Date.now() / 1000);
    const answer = await share(base, { list: 'groceries', mode: 'ro', ttl: '2h' }, await token(['groceries', 'work'], 'rw', 86_400));
    expect(answer.status).toBe(200);
    const claims = await verifyToken(SECRET, String(answer.body.token));
    expect(claims).toMatchObject({ lists: ['groceries'], mode: 'ro' });
    expect(claims.sub).toMatch(/^share-[0-9a-f]{12}$/);
    expect(claims.exp).toBe(answer.body.expiresAt);
    expect(claims.exp).toBeGreaterThanOrEqual(before + 7200);
    expect(claims.exp).toBeLessThanOrEqual(before + 7201);
  });

  it('never outlives the sharer’s token, and defaults to read-write for a read-write sharer', async () => {
    const base = httpUrl(fixture.relay.url);
    const sharer = await token(['groceries'], 'rw', 600);
    const answer = await share(base, { list: 'groceries' }, sharer);
    expect(answer.status).toBe(200);
    const claims = await verifyToken(SECRET, String(answer.body.token));
    expect(claims.mode).toBe('rw');
    expect(claims.exp).toBe((await verifyToken(SECRET, sharer)).exp);
  });

  it('refuses what the sharer may not give: no or bad token 401, another list or write from read-only 403', async () => {
    const base = httpUrl(fixture.relay.url);
    expect((await share(base, { list: 'groceries' })).status).toBe(401);
    const forged = await createToken({ secret: 'another-secret-0123456789', lists: '*', ttlSeconds: 600 });
    expect(await share(base, { list: 'groceries' }, forged)).toMatchObject({ status: 401, body: { error: { code: 'ERR_UNAUTHORIZED' } } });
    const expired = await createToken({ secret: SECRET, lists: '*', ttlSeconds: 1, now: Date.now() - 10_000 });
    expect((await share(base, { list: 'groceries' }, expired)).status).toBe(401);
    expect(await share(base, { list: 'other' }, await token(['groceries']))).toMatchObject({ status: 403, body: { error: { code: 'ERR_FORBIDDEN' } } });
    expect((await share(base, { list: 'groceries', mode: 'rw' }, await token(['groceries'], 'ro'))).status).toBe(403);
    expect((await share(base, { list: 'groceries', mode: 'ro' }, await token(['groceries'], 'ro'))).status).toBe(200);
  });

  it('refuses bad requests with 400 and says which field', async () => {
    const base = httpUrl(fixture.relay.url);
    const sharer = await token('*');
    for (const body of ['not json', { list: 'has space' }, { list: 'a/b' }, { list: 'l', mode: 'admin' }, { list: 'l', ttl: '31d' }, { list: 'l', ttl: 'soon' }]) {
      const answer = await share(base, body, sharer);
      expect(answer, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: { code: 'ERR_BAD_REQUEST' } } });
    }
    expect(MAX_SHARE_TTL_SECONDS).toBe(30 * 86_400);
    const large = await share(base, JSON.stringify({ list: 'l', pad: 'x'.repeat(10_000) }), sharer);
    expect(large.status).toBe(413);
    const get = await fetch(`${base}/share-links`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('share links without --auth-secret', () => {
  const fixture = useRawRelay([]);

  it('answers 404 ERR_AUTH_OFF: a list address is its share link', async () => {
    const answer = await share(httpUrl(fixture.relay.url), { list: 'groceries' });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'ERR_AUTH_OFF' } } });
  });
});

describe('concord-relay share', () => {
  it('prints the app link with a token for that list only', async () => {
    const result = await runRelayCli(['share', '--secret', SECRET, '--list', 'groceries', '--url', 'http://127.0.0.1:1234/', '--ro', '--ttl', '1d']);
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.trim());
    expect(url.origin).toBe('http://127.0.0.1:1234');
    expect(url.searchParams.get('list')).toBe('groceries');
    const claims = await verifyToken(SECRET, url.searchParams.get('token') ?? '');
    expect(claims).toMatchObject({ lists: ['groceries'], mode: 'ro' });
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(86_000);
  });

  it('refuses a missing url, several lists or a ttl over 30 days (exit 2)', async () => {
    for (const args of [
      ['--list', 'groceries'],
      ['--list', 'a', '--list', 'b', '--url', 'http://h/'],
      ['--list', 'groceries', '--url', 'http://h/', '--ttl', '40d'],
    ]) {
      const result = await runRelayCli(['share', '--secret', SECRET, ...args]);
      expect(result.code, args.join(' ')).toBe(2);
    }
  });
});
