import { asTaskId, Concord, defineSchema, MemoryPersistence, type TaskList } from '@concord/core';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { api, synced } from './support/http-api.js';
import { startRelayProcess, useRelayData, type RelayProcess } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

const cleanups: (() => Promise<void>)[] = [];
const data = useRelayData(() => {
  for (const cleanup of cleanups.splice(0)) void cleanup();
});

const schema = defineSchema({ fields: { priority: { type: 'enum', values: ['low', 'high'] }, tags: { type: 'set' }, votes: { type: 'counter' }, notes: { type: 'text' } } });

/** A client of the real relay with the app's schema, its clock pinned by `clock.now`. */
async function client(relay: RelayProcess, userId: string, clock: { now: number }, list = 'merged'): Promise<{ concord: Concord; list: TaskList }> {
  const concord = new Concord({ url: relay.url, WebSocket, persistence: new MemoryPersistence(), userId, syncTabs: false, schema, now: () => clock.now });
  cleanups.push(() => concord.close());
  return { concord, list: await concord.openList(list) };
}

describe('HTTP API: declared fields and merge resolutions', () => {
  it('GET shows the declared fields a client wrote, decoded without a schema', async () => {
    const relay = await startRelayProcess(['--data', data.path]);
    const ann = await client(relay, 'ann', { now: 1_000 }, 'fielded');
    const id = ann.list.create({ title: 'Fields', priority: 'high', tags: ['b', 'a'], notes: 'see the doc' } as never);
    ann.list.update(id, { votes: { increment: 3 } } as never);
    await waitFor(() => synced(ann.concord), 'stored');
    const { body } = await api(relay, 'GET', `/api/lists/fielded/tasks/${id}`);
    expect(body.fields).toEqual({ priority: 'high', tags: ['a', 'b'], votes: 3, notes: 'see the doc' });
    expect((await api(relay, 'GET', '/api/lists/fielded')).body.tasks[0]!.fields).toEqual(body.fields);
  });

  it('a title two people replaced apart shows its alternative in GET and a text-conflict in the feed; PATCH picks it', async () => {
    const relay = await startRelayProcess(['--data', data.path]);
    const clock = { now: 1_000 };
    const ann = await client(relay, 'ann', clock);
    const bob = await client(relay, 'bob', clock);
    const id = asTaskId(ann.list.create({ title: 'Cheese' }));
    await waitFor(() => bob.list.get(id)?.title === 'Cheese', 'Bob to see the task');
    expect((await api(relay, 'GET', '/api/lists/merged/events')).body.events.map((event) => event.type)).toEqual(['created']);

    ann.concord.disconnect();
    bob.concord.disconnect();
    clock.now = 2_000;
    ann.list.update(id, { title: 'Gouda' });
    clock.now = 3_000;
    bob.list.update(id, { title: 'Brie' });
    ann.concord.connect();
    bob.concord.connect();
    await waitFor(() => synced(ann.concord) && synced(bob.concord) && ann.list.get(id)?.alternatives?.title?.length === 1, 'both edits stored');

    const task = (await api(relay, 'GET', `/api/lists/merged/tasks/${id}`)).body;
    expect(task.title).toBe('Brie');
    expect(task.alternatives?.title).toEqual([{ id: expect.any(String) as string, text: 'Gouda', by: 'ann', at: 2_000 }]);
    const events = (await api(relay, 'GET', '/api/lists/merged/events')).body.events;
    const conflict = events.find((event) => event.type === 'text-conflict');
    expect(conflict).toMatchObject({ task: id, field: 'title', from: 'Cheese', shown: { text: 'Brie' }, alternatives: [{ id: task.alternatives!.title![0]!.id, text: 'Gouda' }] });
    // The same resolution found again by the next derivation is not a new event.
    await api(relay, 'PATCH', `/api/lists/merged/tasks/${id}`, { body: { completed: true } });
    const after = (await api(relay, 'GET', `/api/lists/merged/events?after=${events.at(-1)!.id}`)).body.events;
    expect(after.map((event) => event.type)).toEqual(['completed']);

    const bad = await api(relay, 'PATCH', `/api/lists/merged/tasks/${id}`, { body: { pick: { field: 'title', alternative: 'nope' } } });
    expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([409, 'ERR_UNKNOWN_ALTERNATIVE', '/pick/alternative']);
    const both = await api(relay, 'PATCH', `/api/lists/merged/tasks/${id}`, { body: { title: 'x', pick: { field: 'title', alternative: 'nope' } } });
    expect([both.status, both.body.error.field]).toEqual([400, '/pick']);
    const picked = await api(relay, 'PATCH', `/api/lists/merged/tasks/${id}`, { body: { pick: { field: 'title', alternative: task.alternatives!.title![0]!.id } } });
    expect(picked.status).toBe(200);
    expect(picked.body.title).toBe('Gouda');
    expect(picked.body.alternatives).toBeUndefined();
    await waitFor(() => ann.list.get(id)?.title === 'Gouda' && ann.list.get(id)?.alternatives === undefined, 'the pick at the clients');
  });

  it('a deletion that had not seen a completion made offline is in the feed as deleted-unseen-change, whichever is stored first', async () => {
    const relay = await startRelayProcess(['--data', data.path]);
    const clock = { now: 1_000 };
    const ann = await client(relay, 'ann', clock, 'unseen');
    const id = asTaskId(ann.list.create({ title: 'Ship v2' }));
    await waitFor(() => synced(ann.concord), 'stored');
    ann.concord.disconnect();
    clock.now = 2_000;
    ann.list.update(id, { completed: true });
    expect((await api(relay, 'DELETE', `/api/lists/unseen/tasks/${id}`)).status).toBe(200);
    ann.concord.connect();
    await waitFor(() => synced(ann.concord), 'the completion stored');
    const events = await waitFor(async () => {
      const found = (await api(relay, 'GET', '/api/lists/unseen/events')).body.events;
      return found.some((event) => event.type === 'deleted-unseen-change') ? found : null;
    }, 'the resolution in the feed');
    expect(events.filter((event) => event.type === 'deleted-unseen-change')).toEqual([
      expect.objectContaining({ task: id, change: 'completed', changedBy: { user: 'ann', verified: false }, changedAt: 2_000 }),
    ]);

    // The other way round: the completion is stored and derived first, the deletion that missed it arrives later.
    const bob = await client(relay, 'bob', clock, 'unseen');
    const other = asTaskId(ann.list.create({ title: 'Write notes' }));
    await waitFor(() => synced(ann.concord) && bob.list.get(other) !== undefined, 'Bob has the task');
    bob.concord.disconnect();
    clock.now = 3_000;
    bob.list.delete(other);
    ann.list.update(other, { completed: true });
    await waitFor(() => synced(ann.concord), 'the completion stored');
    await waitFor(async () => (await api(relay, 'GET', `/api/lists/unseen/tasks/${other}`)).body.completed, 'the completion derived');
    bob.concord.connect();
    await waitFor(() => synced(bob.concord), 'the deletion stored');
    await waitFor(async () => {
      const found = (await api(relay, 'GET', '/api/lists/unseen/events')).body.events;
      return found.some((event) => event.type === 'deleted-unseen-change' && event.task === other);
    }, 'the second resolution in the feed');
  });
});
