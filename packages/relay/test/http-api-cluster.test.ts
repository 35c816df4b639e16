import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asTaskId } from '@concord/core';
import { api, openClientList, synced } from './support/http-api.js';
import { ensureRedisServer, startRedisServer, type RedisServer } from './support/redis-server.js';
import { killAllRelays, startRelayProcess, tempDir } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

// Two real relay processes sharing documents through a real redis-server, on 127.0.0.1.
const redisBinary = ensureRedisServer();
let redis: RedisServer;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  if (redisBinary !== null) redis = await startRedisServer(redisBinary);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await killAllRelays();
});
afterAll(async () => redis?.stop());

async function relay() {
  const dir = await tempDir('concord-api-cluster-');
  cleanups.push(dir.remove);
  return startRelayProcess(['--data', dir.path, '--redis', redis.url]);
}

describe.skipIf(redisBinary === null)('HTTP API with relays sharing documents through Redis', () => {
  it('a relay answers with what a client wrote through another, in its GET and its feed', async () => {
    const a = await relay();
    const b = await relay();
    const client = await openClientList(a, 'shared', { userId: 'ann' });
    cleanups.push(client.close);
    const id = client.list.create({ title: 'Written on A' });
    await waitFor(() => synced(client.concord), 'stored on A');
    const read = await api(b, 'GET', '/api/lists/shared');
    expect(read.body.tasks.map((task) => task.title)).toEqual(['Written on A']);
    expect((await api(b, 'GET', '/api/lists/shared/events')).body.events.map((event) => event.type)).toEqual(['created']);

    // Later edits on A, to documents B has unloaded or never loaded, are in B's next answers.
    client.list.update(asTaskId(id), { title: 'Renamed on A', completed: true });
    await waitFor(() => synced(client.concord), 'the edit stored on A');
    expect((await api(b, 'GET', `/api/lists/shared/tasks/${id}`)).body).toMatchObject({ title: 'Renamed on A', completed: true });
    const events = (await api(b, 'GET', '/api/lists/shared/events?after=1')).body.events;
    expect(events.map((event) => event.type)).toEqual(['renamed', 'completed']);
    // And a write through B's API reaches the client on A.
    await api(b, 'PATCH', `/api/lists/shared/tasks/${id}`, { body: { title: 'Renamed on B' } });
    await waitFor(() => client.list.get(asTaskId(id))?.title === 'Renamed on B', 'B’s write at the client on A');
  });
});
