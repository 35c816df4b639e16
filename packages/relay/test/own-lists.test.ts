import { afterEach, describe, expect, it } from 'vitest';
import { verifyToken } from '../src/auth/tokens.js';
import { api, openClientList, tokenFor } from './support/http-api.js';
import { useRawRelay } from './support/raw-relay.js';
import { waitFor } from './support/wait.js';

const SECRET = 'own-lists-secret-0123456789';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('POST /lists: a list of one’s own with a token for other lists (real relay with --auth-secret)', () => {
  const fixture = useRawRelay(['--auth-secret', SECRET]);

  it('gives a fresh list id and a token for it alone, with the caller’s sub, that syncs and writes; the caller’s old token does not cover it', async () => {
    const mine = await tokenFor(SECRET, 'ann', ['groceries'], 'rw', 7_200);
    const created = await api(fixture.relay, 'POST', '/lists', { token: mine, body: { name: 'Weekend trip' } });
    expect(created.status).toBe(201);
    const grant = created.body as unknown as { list: string; token: string; mode: string; expiresAt: number; sub: string };
    expect(grant.list).toMatch(/^weekend-trip-[a-z2-9]{12}$/);
    expect(created.headers.get('location')).toBe(`/?list=${grant.list}`);
    const claims = await verifyToken(SECRET, grant.token);
    expect(claims).toMatchObject({ sub: 'ann', lists: [grant.list], mode: 'rw', exp: grant.expiresAt });
    expect(claims.exp).toBeLessThanOrEqual((await verifyToken(SECRET, mine)).exp);

    // The new token opens the list over the WebSocket and writes; the HTTP API reads it back as ann's, verified.
    const client = await openClientList(fixture.relay, grant.list, { token: grant.token, userId: 'ann' });
    cleanups.push(client.close);
    client.list.create({ title: 'Pack the tent' });
    await waitFor(async () => (await api(fixture.relay, 'GET', `/api/lists/${grant.list}`, { token: grant.token })).body.tasks?.length === 1, 'the task on the relay');
    const read = await api(fixture.relay, 'GET', `/api/lists/${grant.list}`, { token: grant.token });
    expect(read.body.tasks[0]).toMatchObject({ title: 'Pack the tent', createdBy: { user: 'ann', verified: true } });
    expect((await api(fixture.relay, 'GET', `/api/lists/${grant.list}`, { token: mine })).status).toBe(403);

    // Each call is a new list, even for the same name; no name makes a `list-` id.
    const again = await api(fixture.relay, 'POST', '/lists', { token: mine, body: { name: 'Weekend trip' } });
    expect((again.body as unknown as { list: string }).list).not.toBe(grant.list);
    const unnamed = await api(fixture.relay, 'POST', '/lists', { token: mine });
    expect((unnamed.body as unknown as { list: string }).list).toMatch(/^list-[a-z2-9]{12}$/);
  });

  it('refuses without a valid token (401), with a read-only one (403), and bad requests (400, 405, 413)', async () => {
    expect(await api(fixture.relay, 'POST', '/lists', { body: {} })).toMatchObject({ status: 401, body: { error: { code: 'ERR_UNAUTHORIZED' } } });
    const forged = await tokenFor('another-secret-0123456789', 'ann', '*');
    expect((await api(fixture.relay, 'POST', '/lists', { token: forged, body: {} })).status).toBe(401);
    const viewer = await tokenFor(SECRET, 'viewer', ['groceries'], 'ro');
    expect(await api(fixture.relay, 'POST', '/lists', { token: viewer, body: {} })).toMatchObject({ status: 403, body: { error: { code: 'ERR_FORBIDDEN' } } });
    const writer = await tokenFor(SECRET, 'ann', ['groceries']);
    for (const raw of ['not json', '[]', JSON.stringify({ name: 42 }), JSON.stringify({ name: 'x'.repeat(201) }), JSON.stringify({ ttl: '31d' })]) {
      expect(await api(fixture.relay, 'POST', '/lists', { token: writer, raw }), raw).toMatchObject({ status: 400, body: { error: { code: 'ERR_BAD_REQUEST' } } });
    }
    expect((await api(fixture.relay, 'POST', '/lists', { token: writer, raw: JSON.stringify({ name: 'x', pad: 'y'.repeat(10_000) }) })).status).toBe(413);
    const get = await api(fixture.relay, 'GET', '/lists');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('POST /lists without --auth-secret', () => {
  const fixture = useRawRelay([]);

  it('answers 404 ERR_AUTH_OFF: any new list id opens as it is', async () => {
    expect(await api(fixture.relay, 'POST', '/lists', { body: { name: 'x' } })).toMatchObject({ status: 404, body: { error: { code: 'ERR_AUTH_OFF' } } });
  });
});
