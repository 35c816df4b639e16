import { afterEach, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { api, openClientList, synced, tokenFor } from './support/http-api.js';
import { useRawRelay } from './support/raw-relay.js';
import { waitFor } from './support/wait.js';

const SECRET = 'http-api-secret-0123456789';
const fixture = useRawRelay(['--auth-secret', SECRET]);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const ann = (lists: string[] | '*' = '*', mode: 'rw' | 'ro' = 'rw') => tokenFor(SECRET, 'ann', lists, mode);

async function client(list: string, sub = 'bo') {
  const opened = await openClientList(fixture.relay, list, { token: await tokenFor(SECRET, sub, [list]), userId: sub });
  cleanups.push(opened.close);
  await waitFor(() => synced(opened.concord), 'the client synced');
  return opened;
}

describe('HTTP API: tasks over HTTP and WebSocket clients see the same list', () => {
  it('a task created, edited, moved, trashed and restored over HTTP is seen live by a WebSocket client', async () => {
    const token = await ann();
    const { list } = await client('crud');
    const first = await api(fixture.relay, 'POST', '/api/lists/crud/tasks', { token, body: { title: 'Ship v2', description: 'notes' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/api/lists/crud/tasks/${first.body.id}`);
    expect(first.body).toMatchObject({ title: 'Ship v2', description: 'notes', completed: false, createdBy: { user: 'ann', verified: true }, updatedBy: { user: 'ann', verified: true } });
    await waitFor(() => list.tasks().find((task) => task.title === 'Ship v2'), 'the client sees the created task');

    const second = await api(fixture.relay, 'POST', '/api/lists/crud/tasks', { token, body: { title: 'Write notes', position: { after: null } } });
    expect(second.status).toBe(201);
    await waitFor(() => list.tasks().map((task) => task.title).join() === 'Write notes,Ship v2', 'the second task first');

    const patched = await api(fixture.relay, 'PATCH', `/api/lists/crud/tasks/${first.body.id}`, { token, body: { completed: true, title: 'Ship v2.0', position: { after: null } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Ship v2.0', completed: true });
    await waitFor(() => list.tasks().map((task) => `${task.title}:${task.completed}`).join() === 'Ship v2.0:true,Write notes:false', 'the patch seen by the client');

    expect((await api(fixture.relay, 'DELETE', `/api/lists/crud/tasks/${second.body.id}`, { token })).body.deleted).toMatchObject({ by: { user: 'ann', verified: true } });
    await waitFor(() => list.trash().length === 1 && list.tasks().length === 1, 'the task in the client’s trash');
    expect((await api(fixture.relay, 'POST', `/api/lists/crud/tasks/${second.body.id}/restore`, { token })).status).toBe(200);
    await waitFor(() => list.trash().length === 0 && list.tasks().length === 2, 'the task restored at the client');
  });

  it('what a WebSocket client writes is in the GET at once, with an ETag that changes with it', async () => {
    const token = await ann();
    const { concord, list } = await client('live');
    const id = list.create({ title: 'From the app' });
    await waitFor(() => synced(concord), 'the client’s write stored');
    const read = await api(fixture.relay, 'GET', '/api/lists/live', { token });
    expect(read.status).toBe(200);
    expect(read.body.tasks).toHaveLength(1);
    expect(read.body.tasks[0]).toMatchObject({ id, title: 'From the app', createdBy: { user: 'bo', verified: true } });
    const etag = read.headers.get('etag')!;
    expect((await api(fixture.relay, 'GET', '/api/lists/live', { token, headers: { 'if-none-match': etag } })).status).toBe(304);

    list.update(id, { title: 'From the app, edited' });
    list.delete(id);
    await waitFor(() => synced(concord), 'the edit stored');
    const after = await api(fixture.relay, 'GET', '/api/lists/live', { token, headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(after.body.tasks).toEqual([]);
    expect(after.body.trash).toHaveLength(1);
    expect(after.body.trash[0]).toMatchObject({ id, title: 'From the app, edited', deleted: { by: { user: 'bo', verified: true } } });
  });

  it('a PATCH of a title while a client types in it keeps both edits', async () => {
    const token = await ann();
    const { concord, list } = await client('typing');
    const id = list.create({ title: 'Quarterly report' });
    await waitFor(() => synced(concord), 'the task stored');
    // The client types at the end while offline by choice, the API prefixes the title meanwhile.
    concord.disconnect();
    const text = list.text(id, 'title');
    for (const char of ' draft') text.insert(text.length, char);
    const patched = await api(fixture.relay, 'PATCH', `/api/lists/typing/tasks/${id}`, { token, body: { title: 'Q3 Quarterly report' } });
    expect(patched.body.title).toBe('Q3 Quarterly report');
    concord.connect();
    await waitFor(() => synced(concord) && list.get(id)?.title === 'Q3 Quarterly report draft', 'both edits at the client');
    await waitFor(async () => (await api(fixture.relay, 'GET', `/api/lists/typing/tasks/${id}`, { token })).body.title === 'Q3 Quarterly report draft', 'both edits over HTTP');
  });
});

describe('HTTP API: auth, validation, limits', () => {
  it('refuses as the WebSocket endpoint does: 401 without a valid token, 403 outside its lists or read-only for writes', async () => {
    const path = '/api/lists/auth1';
    const create = { title: 'x' };
    expect((await api(fixture.relay, 'GET', path)).status).toBe(401);
    expect((await api(fixture.relay, 'GET', path)).body.error.code).toBe('ERR_UNAUTHORIZED');
    expect((await api(fixture.relay, 'GET', path, { token: 'not-a-jwt' })).status).toBe(401);
    const forged = await tokenFor('another-secret-0123456789', 'ann', '*');
    expect((await api(fixture.relay, 'GET', path, { token: forged })).status).toBe(401);
    const expired = await tokenFor(SECRET, 'ann', '*', 'rw', 1, Date.now() - 10_000);
    expect((await api(fixture.relay, 'GET', path, { token: expired })).status).toBe(401);
    const other = await ann(['elsewhere']);
    expect((await api(fixture.relay, 'GET', path, { token: other })).status).toBe(403);
    expect((await api(fixture.relay, 'POST', `${path}/tasks`, { token: other, body: create })).body.error.code).toBe('ERR_FORBIDDEN');
    expect((await api(fixture.relay, 'GET', `${path}/events`, { token: other })).status).toBe(403);
    const readOnly = await ann(['auth1'], 'ro');
    expect((await api(fixture.relay, 'GET', path, { token: readOnly })).status).toBe(200);
    expect((await api(fixture.relay, 'GET', `${path}/events`, { token: readOnly })).status).toBe(200);
    expect((await api(fixture.relay, 'POST', `${path}/tasks`, { token: readOnly, body: create })).status).toBe(403);
    const writer = await ann(['auth1']);
    const created = await api(fixture.relay, 'POST', `${path}/tasks`, { token: writer, body: create });
    expect(created.status).toBe(201);
    for (const [method, suffix] of [['PATCH', ''], ['DELETE', ''], ['POST', '/restore']] as const) {
      const body = method === 'PATCH' ? { completed: true } : undefined;
      expect((await api(fixture.relay, method, `${path}/tasks/${created.body.id}${suffix}`, { token: readOnly, ...(body && { body }) })).status).toBe(403);
    }
    expect((await api(fixture.relay, 'GET', path, { token: readOnly })).body.tasks).toEqual([expect.objectContaining({ completed: false })]);
  });

  it('answers bad input with 400 naming the code and the field, and loses nothing', async () => {
    const token = await ann();
    const path = '/api/lists/valid/tasks';
    const refusal = async (body: unknown, raw?: string) => (await api(fixture.relay, 'POST', path, { token, ...(raw === undefined ? { body } : { raw }) })).body.error;
    expect(await refusal({})).toMatchObject({ code: 'ERR_VALIDATION', field: '/title' });
    expect(await refusal({ title: 42 })).toMatchObject({ code: 'ERR_VALIDATION', field: '/title' });
    expect(await refusal({ title: 'x', colour: 'red' })).toMatchObject({ code: 'ERR_VALIDATION', field: '/colour' });
    expect(await refusal({ title: 'x'.repeat(1001) })).toMatchObject({ code: 'ERR_VALIDATION', field: '/title' });
    expect(await refusal({ title: 'x', position: { after: 'no-such-task' } })).toMatchObject({ code: 'ERR_VALIDATION', field: '/position/after' });
    expect(await refusal({ title: 'x', id: 'has/slash' })).toMatchObject({ code: 'ERR_VALIDATION', field: '/id' });
    expect(await refusal(undefined, '{"title": ')).toMatchObject({ code: 'ERR_MALFORMED_JSON' });
    const plain = await api(fixture.relay, 'POST', path, { token, raw: '{"title":"x"}', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const huge = await api(fixture.relay, 'POST', path, { token, raw: JSON.stringify({ title: 'x', description: 'y'.repeat(600_000) }) });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'ERR_BODY_TOO_LARGE']);
    const missing = await api(fixture.relay, 'PATCH', '/api/lists/valid/tasks/nope', { token, body: { completed: true } });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ERR_NOT_FOUND']);
    expect((await api(fixture.relay, 'PATCH', '/api/lists/valid/tasks/nope', { token, body: {} })).body.error.code).toBe('ERR_VALIDATION');
    expect((await api(fixture.relay, 'GET', '/api/lists/bad%2Fid', { token })).body.error).toMatchObject({ code: 'ERR_VALIDATION', field: 'list' });
    expect((await api(fixture.relay, 'PUT', '/api/lists/valid', { token })).status).toBe(405);
    const good = await api(fixture.relay, 'POST', path, { token, body: { title: 'kept' } });
    expect(good.status).toBe(201);
    expect((await api(fixture.relay, 'GET', '/api/lists/valid', { token })).body.tasks.map((task) => task.title)).toEqual(['kept']);
  });

  it('serves an OpenAPI 3.1 document that a standard validator accepts, naming every route', async () => {
    const { status, body } = await api(fixture.relay, 'GET', '/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(body.paths).sort()).toEqual(['/api/lists/{list}', '/api/lists/{list}/events', '/api/lists/{list}/tasks', '/api/lists/{list}/tasks/{task}', '/api/lists/{list}/tasks/{task}/restore']);
    // The request schema is the one the API validates with: its limits are the ones a refusal above enforced.
    expect(body.components.schemas.CreateTask?.properties.title?.maxLength).toBe(1000);
    expect(body.components.schemas.CreateTask?.additionalProperties).toBe(false);
  });
});
