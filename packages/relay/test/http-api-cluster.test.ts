import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asTaskId } from '@concord/core';
import { api, openClientList, synced } from './support/http-api.js';
import { ensureRedisServer, startRedisServer, type RedisServer } from './support/redis-server.js';
import { killAllRelays, startRelayProcess, tempDir, type RelayProcess } from './support/relay-process.js';
import { EventStream } from './support/sse.js';
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

async function relay(extra: string[] = []) {
  const dir = await tempDir('concord-api-cluster-');
  cleanups.push(dir.remove);
  return startRelayProcess(['--data', dir.path, '--redis', redis.url, ...extra]);
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

  it('a cursor read from one relay resumes on another exactly after it, live streams too, and after a kill -9 of the first', async () => {
    const a = await relay();
    // B unloads documents as soon as it has read them: it hears of A's writes only through the shared feed.
    const b = await relay(['--idle-unload', '0']);
    const client = await openClientList(a, 'portable', { userId: 'ann' });
    cleanups.push(client.close);
    const first = asTaskId(client.list.create({ title: 'First' }));
    const second = asTaskId(client.list.create({ title: 'Second' }));
    await waitFor(() => synced(client.concord), 'stored on A');
    const feed = (relayProcess: RelayProcess, after: string) => api(relayProcess, 'GET', `/api/lists/portable/events?after=${after}`).then(({ body }) => body);
    const page = await feed(a, '0');
    expect(page.events.map((event) => [event.type, event.task])).toEqual([
      ['created', first],
      ['created', second],
    ]);

    // Changes through A's client and through B's API, read on B after A's cursor: exactly the later ones.
    client.list.update(first, { title: 'First, renamed' });
    await waitFor(() => synced(client.concord), 'the rename stored on A');
    expect((await api(b, 'PATCH', `/api/lists/portable/tasks/${second}`, { body: { completed: true } })).status).toBe(200);
    const onB = await feed(b, page.next);
    expect(onB.events.map((event) => [event.type, event.task])).toEqual([
      ['renamed', first],
      ['completed', second],
    ]);
    // Both relays serve one feed: the same events under the same ids, whichever derived them.
    expect((await feed(a, '0')).events).toEqual((await feed(b, '0')).events);

    // A stream opened on B after the last event gets what a client writes through A, once.
    const stream = new EventStream(`http://127.0.0.1:${b.port}/api/lists/portable/events`, { 'Last-Event-ID': onB.next });
    cleanups.push(() => Promise.resolve(stream.close()));
    expect(await stream.opened).toBe(200);
    client.list.delete(second);
    await waitFor(() => stream.messages.length > 0, 'the deletion streamed from B');
    expect(stream.messages.map((message) => [message.event, message.id])).toEqual([['deleted', String(Number(onB.next) + 1)]]);

    // A dies; the reader goes on on B from the last id it got, and misses nothing B is told afterwards.
    const last = stream.messages.at(-1)!.id;
    stream.close();
    a.child.kill('SIGKILL');
    await a.exited;
    expect((await api(b, 'POST', `/api/lists/portable/tasks/${second}/restore`)).status).toBe(200);
    const resumed = await feed(b, last);
    expect(resumed.events.map((event) => [event.type, event.task, event.id])).toEqual([['restored', second, String(Number(last) + 1)]]);
  });

  it('two relays deriving one list at the same time number each change once, in one feed', async () => {
    const a = await relay();
    const b = await relay();
    const ann = await openClientList(a, 'raced', { userId: 'ann' });
    const bob = await openClientList(b, 'raced', { userId: 'bob' });
    cleanups.push(ann.close, bob.close);
    const ids = [ann.list.create({ title: 'a0' }), bob.list.create({ title: 'b0' })].map(asTaskId);
    // Both relays are written to and read at once, so both derive the list, often from the same state.
    const readers: Promise<unknown>[] = [];
    for (let round = 1; round <= 12; round++) {
      ann.list.update(ids[0]!, { title: `a${round}`, completed: round % 2 === 1 });
      bob.list.update(ids[1]!, { title: `b${round}` });
      readers.push(api(a, 'GET', '/api/lists/raced/events?limit=1000'), api(b, 'GET', '/api/lists/raced/events?limit=1000'));
      await waitFor(() => synced(ann.concord) && synced(bob.concord), `round ${round} stored`);
    }
    await Promise.all(readers);
    await waitFor(() => ann.list.get(ids[1]!)?.title === 'b12' && bob.list.get(ids[0]!)?.title === 'a12', 'both clients converged');
    await waitFor(async () => (await api(b, 'GET', `/api/lists/raced/tasks/${ids[0]!}`)).body.title === 'a12', 'B settled');
    await waitFor(async () => (await api(a, 'GET', `/api/lists/raced/tasks/${ids[1]!}`)).body.title === 'b12', 'A settled');
    const onA = (await api(a, 'GET', '/api/lists/raced/events?limit=1000')).body.events;
    const onB = (await api(b, 'GET', '/api/lists/raced/events?limit=1000')).body.events;
    expect(onB).toEqual(onA);
    expect(onA.map((event) => event.id)).toEqual(onA.map((_, i) => String(i + 1)));
    expect(new Set(onA.map((event) => event.key)).size).toBe(onA.length);
    expect(onA.filter((event) => event.type === 'created').map((event) => event.task).sort()).toEqual([...ids].sort());
    // Replayed, the feed ends where the documents are: every title reached once and never undone.
    for (const [index, id] of ids.entries()) {
      const renames = onA.filter((event) => event.type === 'renamed' && event.task === id);
      expect(renames.at(-1)?.to).toBe(`${index === 0 ? 'a' : 'b'}12`);
      const rank = (title: string | undefined) => Number(title?.slice(1));
      expect(renames.every((event, i) => rank(event.to) > rank(i === 0 ? event.from : renames[i - 1]!.to))).toBe(true);
    }
  });
});
